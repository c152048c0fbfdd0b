import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/index.ts";
import { parseJsonPath } from "../../../src/config/webhooks.ts";
import { configProblems } from "../../helpers/config.ts";

function problemsOf(webhooks: unknown): string[] {
  return configProblems({ WEBHOOKS: typeof webhooks === "string" ? webhooks : JSON.stringify(webhooks) });
}

describe("WEBHOOKS", () => {
  it("fills in each scheme's header and Stripe's tolerance", () => {
    const { webhooks } = parseConfig({
      WEBHOOKS: JSON.stringify([
        {
          name: "gh",
          topic: "t",
          secret: "s3cret",
          signature: { scheme: "github" },
          replay: { header: "X-GitHub-Delivery", windowSeconds: 60 },
        },
        { name: "st", topic: "t", secret: "s", signature: { scheme: "stripe" }, key: { jsonPath: "$.a[0]" } },
        { name: "h", topic: "t", secret: "s", signature: { scheme: "hmac-sha256", header: "X-Sig" } },
      ]),
    });
    expect(webhooks.map((w) => w.signature)).toEqual([
      { scheme: "github", header: "X-Hub-Signature-256", toleranceSeconds: 300 },
      { scheme: "stripe", header: "Stripe-Signature", toleranceSeconds: 300 },
      { scheme: "hmac-sha256", header: "X-Sig", toleranceSeconds: 300 },
    ]);
    expect(webhooks[0].signature?.secret).toBe("s3cret");
    expect(webhooks[0].replay).toEqual({ header: "X-GitHub-Delivery", windowSeconds: 60 });
    expect(webhooks[1].key).toEqual({ jsonPath: ["a", 0], expression: "$.a[0]" });
    expect(webhooks[2].keepHeaders).toEqual([]);
  });

  it("never shows a secret in JSON", () => {
    const config = parseConfig({
      WEBHOOKS: JSON.stringify([
        { name: "gh", topic: "t", secret: "s3cret", signature: { scheme: "github" } },
      ]),
    });
    expect(JSON.stringify(config)).not.toContain("s3cret");
  });

  it("names each problem by its place in the array, without echoing the secrets", () => {
    const problems = problemsOf([
      { name: "a b", topic: "t", secret: "s3cret", signature: { scheme: "md5" } },
      { name: "ok", topic: "t", signature: { scheme: "github" }, key: { header: "X", jsonPath: "$.a" } },
      { name: "p", topic: "t", replay: { jsonPath: "a.b", windowSeconds: 0 }, extra: 1 },
    ]);
    expect(problems).toEqual([
      "WEBHOOKS[0].name: must be 1-100 letters, digits, '.', '_' or '-' (got [redacted])",
      "WEBHOOKS[0].signature.scheme: must be one of: github, stripe, hmac-sha256 (got [redacted])",
      "WEBHOOKS[1].key: give exactly one of header or jsonPath (got [redacted])",
      "WEBHOOKS[1].secret: is required when signature is set (got [redacted])",
      "WEBHOOKS[2].replay.windowSeconds: Too small: expected number to be >=1 (got [redacted])",
      "WEBHOOKS[2].replay.jsonPath: must look like $.member.other[0] or $['member name'] (got [redacted])",
      'WEBHOOKS[2]: Unrecognized key: "extra" (got [redacted])',
    ]);
  });

  it("refuses text that is not JSON, a non-array and repeated names", () => {
    expect(problemsOf("[{")).toEqual([
      "WEBHOOKS must be a JSON array of webhooks, and is not valid JSON (got [redacted])",
    ]);
    expect(problemsOf({ name: "x" })).toEqual([
      "WEBHOOKS: must be a JSON array of webhooks (got [redacted])",
    ]);
    expect(
      problemsOf([
        { name: "x", topic: "a" },
        { name: "x", topic: "b" },
      ]),
    ).toEqual(["WEBHOOKS names must be unique: x (got [redacted])"]);
  });
});

describe("parseJsonPath", () => {
  it("reads members, indexes and quoted names", () => {
    expect(parseJsonPath("$")).toEqual([]);
    expect(parseJsonPath("$.repository.full_name")).toEqual(["repository", "full_name"]);
    expect(parseJsonPath(`$.a[2]['b c']["d.e"]`)).toEqual(["a", 2, "b c", "d.e"]);
  });

  it("refuses anything else", () => {
    for (const bad of ["a.b", "$.", "$..a", "$[a]", "$.a[-1]", "$.a b"])
      expect(parseJsonPath(bad)).toBeUndefined();
  });
});
