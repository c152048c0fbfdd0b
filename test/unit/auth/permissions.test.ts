import { describe, expect, it } from "vitest";
import {
  allows,
  allowsEveryTopic,
  type Principal,
  parseGrant,
  seesTopic,
} from "../../../src/auth/permissions.ts";

function principal(...grants: string[]): Principal {
  return { name: "p", grants: grants.map((g) => parseGrant(g) ?? expect.unreachable(g)) };
}

describe("grants", () => {
  it("parses action:pattern and nothing else", () => {
    expect(parseGrant("produce:clicks")).toMatchObject({ action: "produce", pattern: "clicks" });
    expect(parseGrant(" consume:orders-* ")).toMatchObject({ action: "consume", pattern: "orders-*" });
    for (const bad of ["read:clicks", "produce:", "produce", "openid", "admin:a b", "produce:a/b"]) {
      expect(parseGrant(bad), bad).toBeUndefined();
    }
  });

  it("matches * as any run of characters and everything else literally", () => {
    const p = principal("produce:orders-*", "consume:a.b");
    expect(allows(p, "produce", "orders-eu")).toBe(true);
    expect(allows(p, "produce", "orders-")).toBe(true);
    expect(allows(p, "produce", "my-orders-eu")).toBe(false);
    expect(allows(p, "consume", "a.b")).toBe(true);
    expect(allows(p, "consume", "aXb")).toBe(false);
    expect(allows(p, "consume", "orders-eu")).toBe(false);
  });

  it("keeps actions apart: produce does not imply consume or admin", () => {
    const p = principal("produce:*");
    expect(allows(p, "produce", "x")).toBe(true);
    expect(allows(p, "consume", "x")).toBe(false);
    expect(allows(p, "admin", "x")).toBe(false);
    expect(allowsEveryTopic(p, "produce")).toBe(true);
    expect(allowsEveryTopic(principal("produce:a*"), "produce")).toBe(false);
  });

  it("lets a principal see a topic it holds any permission on", () => {
    const p = principal("consume:clicks");
    expect(seesTopic(p, "clicks")).toBe(true);
    expect(seesTopic(p, "payments")).toBe(false);
  });
});
