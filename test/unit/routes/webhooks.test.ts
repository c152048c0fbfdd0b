import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KafkaBackend } from "../../../src/backends/types.ts";
import { testApp } from "../../helpers/app.ts";

const GITHUB_SECRET = "It's a Secret to Everybody";
const STRIPE_SECRET = "whsec_test_secret";
const HMAC_SECRET = "generic-secret";

const WEBHOOKS = [
  {
    name: "github",
    topic: "github-events",
    secret: GITHUB_SECRET,
    signature: { scheme: "github" },
    key: { jsonPath: "$.repository.full_name" },
    keepHeaders: ["X-GitHub-Event", "X-GitHub-Delivery"],
    replay: { header: "X-GitHub-Delivery", windowSeconds: 3600 },
  },
  {
    name: "stripe",
    topic: "stripe-events",
    secret: STRIPE_SECRET,
    signature: { scheme: "stripe", toleranceSeconds: 300 },
    key: { jsonPath: "$.data.object['customer']" },
    replay: { jsonPath: "$.id", windowSeconds: 3600 },
  },
  {
    name: "generic",
    topic: "generic-events",
    secret: HMAC_SECRET,
    signature: { scheme: "hmac-sha256", header: "X-Shop-Hmac" },
    key: { header: "X-Shop-Id" },
  },
  { name: "open", topic: "open-events" },
];

function setup(env: Record<string, string> = {}) {
  return testApp({ WEBHOOKS: JSON.stringify(WEBHOOKS), ...env });
}

const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data);

function github(body: string, delivery: string, secret = GITHUB_SECRET): RequestInit {
  return {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-GitHub-Event": "push",
      "X-GitHub-Delivery": delivery,
      "X-Hub-Signature-256": `sha256=${hmac(secret, body).digest("hex")}`,
    },
    body,
  };
}

function stripe(body: string, timestamp = Math.floor(Date.now() / 1000), extra = ""): RequestInit {
  const v1 = hmac(STRIPE_SECRET, `${timestamp}.${body}`).digest("hex");
  return {
    method: "POST",
    headers: { "Stripe-Signature": `t=${timestamp},${extra}v1=${v1}` },
    body,
  };
}

async function records(backend: KafkaBackend, topic: string) {
  const [partition] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
    maxBytes: 1 << 20,
    maxWaitMs: 0,
  });
  return partition.records.map((r) => ({
    offset: r.offset,
    key: r.key && Buffer.from(r.key).toString(),
    value: r.value && Buffer.from(r.value).toString(),
    headers: r.headers.map((h) => [h.key, h.value && Buffer.from(h.value).toString()]),
  }));
}

const PUSH = '{"ref":"refs/heads/main","repository":{"full_name":"octo/hello"},"note":"  spaced\\u00e9 "}';

describe("POST /webhooks/{name}: GitHub", () => {
  it("produces the body byte for byte with the kept headers and the key from a JSON path", async () => {
    const t = setup();
    const res = await t.app.request("/webhooks/github", github(PUSH, "d-1"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ topic: "github-events", partition: 0, offset: 0, duplicate: false });
    expect(await records(t.backend, "github-events")).toEqual([
      {
        offset: 0,
        key: "octo/hello",
        value: PUSH,
        headers: [
          ["X-GitHub-Event", "push"],
          ["X-GitHub-Delivery", "d-1"],
        ],
      },
    ]);
  });

  it("answers a replayed delivery id with the first record's place and produces nothing", async () => {
    const t = setup();
    await t.app.request("/webhooks/github", github(PUSH, "d-1"));
    await t.app.request("/webhooks/github", github(PUSH, "d-2"));
    const replay = await t.app.request("/webhooks/github", github(PUSH, "d-1"));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ topic: "github-events", partition: 0, offset: 0, duplicate: true });
    expect((await records(t.backend, "github-events")).map((r) => r.offset)).toEqual([0, 1]);
  });

  it("produces two concurrent deliveries of one id once", async () => {
    const t = setup();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.app.request("/webhooks/github", github(PUSH, "same"))),
    );
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(new Set(bodies.map((b) => b.offset))).toEqual(new Set([0]));
    expect(await records(t.backend, "github-events")).toHaveLength(1);
  });

  it("rejects a tampered body with 401 and leaves its delivery id unused", async () => {
    const t = setup();
    const signed = github(PUSH, "d-1");
    const tampered = await t.app.request("/webhooks/github", {
      ...signed,
      body: PUSH.replace("main", "evil"),
    });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toEqual({
      error_code: 401,
      message: "Webhook signature rejected: the signature does not match the body.",
    });
    expect(await t.backend.describeTopic("github-events")).toBeUndefined();
    const genuine = await t.app.request("/webhooks/github", github(PUSH, "d-1"));
    expect((await genuine.json()).duplicate).toBe(false);
  });

  it("rejects a wrong secret, a missing header and a malformed one", async () => {
    const t = setup();
    const wrong = await t.app.request("/webhooks/github", github(PUSH, "d-1", "not the secret"));
    expect(wrong.status).toBe(401);
    const missing = await t.app.request("/webhooks/github", { method: "POST", body: PUSH });
    expect(await missing.json()).toEqual({
      error_code: 401,
      message: "Webhook signature rejected: the X-Hub-Signature-256 header is missing.",
    });
    const malformed = await t.app.request("/webhooks/github", {
      method: "POST",
      headers: { "X-Hub-Signature-256": "sha1=abc" },
      body: PUSH,
    });
    expect((await malformed.json()).message).toBe(
      "Webhook signature rejected: X-Hub-Signature-256 must be sha256=<hex digest>.",
    );
    expect(await t.backend.describeTopic("github-events")).toBeUndefined();
  });

  it("produces a body that is not JSON without a key", async () => {
    const t = setup();
    const res = await t.app.request("/webhooks/github", github("payload=%7B%7D", "form"));
    expect(res.status).toBe(200);
    expect((await records(t.backend, "github-events"))[0]).toMatchObject({
      key: null,
      value: "payload=%7B%7D",
    });
  });
});

describe("POST /webhooks/{name}: Stripe", () => {
  const EVENT = '{"id":"evt_1","type":"charge.succeeded","data":{"object":{"customer":"cus_9"}}}';

  it("accepts a fresh signature, keys by customer and drops the replayed event id", async () => {
    const t = setup();
    const first = await t.app.request("/webhooks/stripe", stripe(EVENT));
    expect(await first.json()).toEqual({ topic: "stripe-events", partition: 0, offset: 0, duplicate: false });
    const again = await t.app.request("/webhooks/stripe", stripe(EVENT));
    expect((await again.json()).duplicate).toBe(true);
    expect(await records(t.backend, "stripe-events")).toEqual([
      { offset: 0, key: "cus_9", value: EVENT, headers: [] },
    ]);
  });

  it("accepts when any of several v1 signatures matches (secret rotation)", async () => {
    const res = await setup().app.request(
      "/webhooks/stripe",
      stripe(EVENT, undefined, `v1=${"0".repeat(64)},`),
    );
    expect(res.status).toBe(200);
  });

  it("rejects a timestamp older than the tolerance even when correctly signed", async () => {
    const t = setup();
    const res = await t.app.request("/webhooks/stripe", stripe(EVENT, Math.floor(Date.now() / 1000) - 600));
    expect(res.status).toBe(401);
    expect((await res.json()).message).toMatch(
      /^Webhook signature rejected: the signed timestamp is 60\d s away/,
    );
    expect(await t.backend.describeTopic("stripe-events")).toBeUndefined();
  });

  it("rejects a header without a timestamp", async () => {
    const res = await setup().app.request("/webhooks/stripe", {
      method: "POST",
      headers: { "Stripe-Signature": `v1=${"a".repeat(64)}` },
      body: EVENT,
    });
    expect((await res.json()).message).toBe(
      "Webhook signature rejected: Stripe-Signature must be t=<unix time>,v1=<hex digest>.",
    );
  });
});

describe("POST /webhooks/{name}: generic HMAC-SHA256", () => {
  const BODY = "binary-ish \u0000 body";

  for (const [encoding, digest] of [
    ["hex", hmac(HMAC_SECRET, BODY).digest("hex")],
    ["base64", hmac(HMAC_SECRET, BODY).digest("base64")],
    ["sha256=hex", `sha256=${hmac(HMAC_SECRET, BODY).digest("hex")}`],
  ]) {
    it(`accepts a ${encoding} signature in the configured header, key from a header`, async () => {
      const t = setup();
      const res = await t.app.request("/webhooks/generic", {
        method: "POST",
        headers: { "X-Shop-Hmac": digest, "X-Shop-Id": "shop-7" },
        body: BODY,
      });
      expect(res.status).toBe(200);
      expect((await records(t.backend, "generic-events"))[0]).toMatchObject({ key: "shop-7", value: BODY });
    });
  }

  it("rejects a signature of another body", async () => {
    const res = await setup().app.request("/webhooks/generic", {
      method: "POST",
      headers: { "X-Shop-Hmac": hmac(HMAC_SECRET, "other").digest("base64") },
      body: BODY,
    });
    expect(res.status).toBe(401);
  });
});

describe("POST /webhooks/{name}: everything else", () => {
  it("takes unsigned deliveries on a webhook without a signature", async () => {
    const t = setup();
    const res = await t.app.request("/webhooks/open", { method: "POST", body: "hello" });
    expect(await res.json()).toEqual({ topic: "open-events", partition: 0, offset: 0, duplicate: false });
  });

  it("answers 404 for a webhook that is not configured, 405 for GET", async () => {
    const t = setup();
    const missing = await t.app.request("/webhooks/nope", { method: "POST", body: "x" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error_code: 404, message: "Webhook 'nope' is not configured." });
    const get = await t.app.request("/webhooks/open");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("releases the delivery id when the produce fails, so the sender's retry is produced", async () => {
    const t = setup({ AUTO_CREATE_TOPICS: "false" });
    const failed = await t.app.request("/webhooks/github", github(PUSH, "retry-me"));
    expect(failed.status).toBe(404);
    expect((await failed.json()).error_code).toBe(40401);
    await t.backend.createTopic({ topic: "github-events", partitions: 1 });
    const retried = await t.app.request("/webhooks/github", github(PUSH, "retry-me"));
    expect(await retried.json()).toEqual({
      topic: "github-events",
      partition: 0,
      offset: 0,
      duplicate: false,
    });
  });

  it("answers a record Kafka refuses with 50002 and lets the retry through once it fits", async () => {
    const big = JSON.stringify({ repository: { full_name: "octo/big" }, pad: "x".repeat(600) });
    const t = testApp({ WEBHOOKS: JSON.stringify(WEBHOOKS) }, { maxRecordBytes: 512 });
    const refused = await t.app.request("/webhooks/github", github(big, "too-big"));
    expect(refused.status).toBe(500);
    expect((await refused.json()).error_code).toBe(50002);
    const small = await t.app.request("/webhooks/github", github(PUSH, "too-big"));
    expect((await small.json()).duplicate).toBe(false);
  });

  it("needs no API key with AUTH_ENABLED: the signature is the authentication", async () => {
    const t = setup({ AUTH_ENABLED: "true", AUTH_API_KEYS: '{"ops":"0123456789abcdef-ops"}' });
    expect((await t.app.request("/topics")).status).toBe(401);
    const signed = await t.app.request("/webhooks/github", github(PUSH, "no-key"));
    expect(signed.status).toBe(200);
    const unsigned = await t.app.request("/webhooks/github", { method: "POST", body: PUSH });
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).message).toMatch(/^Webhook signature rejected/);
  });

  it("refuses a delivery id longer than 256 characters with 400", async () => {
    const res = await setup().app.request("/webhooks/github", github(PUSH, "x".repeat(257)));
    expect(res.status).toBe(400);
  });

  it("answers 413 for a body over MAX_REQUEST_BYTES", async () => {
    const body = "x".repeat(2048);
    const res = await setup({ MAX_REQUEST_BYTES: "1024" }).app.request(
      "/webhooks/github",
      github(body, "big"),
    );
    expect(res.status).toBe(413);
  });
});
