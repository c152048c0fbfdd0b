import { describe, expect, it } from "vitest";
import { base64, testApp, V2, V2_BINARY, V2_JSON } from "../../helpers/app.ts";
import { signHs256 } from "../../helpers/jwks-server.ts";

const KEYS = {
  web: "web-key-0123456789abcdef",
  other: "other-key-0123456789abcdef",
  ops: "ops-key-0123456789abcdef",
};
const SECRET = "a-shared-secret-of-at-least-32-characters";
const ENV = {
  AUTH_ENABLED: "true",
  AUTH_API_KEYS: JSON.stringify(KEYS),
  AUTH_JWT_SECRET: SECRET,
  AUTH_PERMISSIONS: JSON.stringify({
    web: ["produce:clicks", "consume:clicks"],
    other: ["produce:clicks", "consume:clicks"],
    ops: ["admin:*", "produce:*", "consume:*"],
    "*": ["consume:public-*"],
  }),
};

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

function authedApp(env: Record<string, string> = {}) {
  const t = testApp({ ...ENV, ...env });
  const as =
    (key: string) =>
    (path: string, init: RequestInit & { json?: unknown } = {}) =>
      t.request(path, { ...init, headers: { ...bearer(key), ...(init.headers as Record<string, string>) } });
  const produce = (key: string, topic: string, values: string[]) =>
    as(key)(`/topics/${topic}`, {
      method: "POST",
      headers: { "Content-Type": V2_BINARY, Accept: V2 },
      json: { records: values.map((v) => ({ value: base64(v) })) },
    });
  return { ...t, as, produce };
}

describe("authentication", () => {
  it("is off by default: requests without credentials are served", async () => {
    const t = testApp();
    expect((await t.request("/topics")).status).toBe(200);
  });

  it("answers 401/40101 with a challenge when credentials are missing, unknown or malformed", async () => {
    const t = authedApp();
    const attempts: Array<Record<string, string>> = [
      {},
      bearer("not-a-key-0123456789abcdef"),
      { Authorization: "Token abc" },
      { Authorization: `Basic ${btoa(`web:${KEYS.ops}`)}` },
      { Authorization: "Basic !!!" },
    ];
    for (const headers of attempts) {
      const res = await t.request("/topics", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="kafka-edge-proxy"');
      const body = await res.json();
      expect(body.error_code).toBe(40101);
      expect(body.message).toMatch(/^Authentication (required|failed)/);
    }
  });

  it("accepts an API key as a bearer token or as the password of Basic auth", async () => {
    const t = authedApp();
    expect((await t.request("/topics", { headers: bearer(KEYS.web) })).status).toBe(200);
    const basic = { Authorization: `Basic ${btoa(`web:${KEYS.web}`)}` };
    expect((await t.request("/topics", { headers: basic })).status).toBe(200);
  });

  it("accepts an HS256 JWT and takes grants from its scope and permissions claims", async () => {
    const t = authedApp();
    const token = await signHs256(SECRET, {
      sub: "browser-user",
      scope: "openid produce:tokens",
      permissions: ["consume:tokens", "read:everything"],
    });
    const produced = await t.produce(token, "tokens", ["hi"]);
    expect(produced.status).toBe(200);
    const read = await t.as(token)("/topics/tokens/partitions/0/messages?offset=0");
    expect(read.status).toBe(200);
    const denied = await t.produce(token, "clicks", ["no"]);
    expect(denied.status).toBe(403);
    const expired = await signHs256(SECRET, { sub: "browser-user" }, { expiresIn: "-1m" });
    const late = await t.as(expired)("/topics");
    expect(late.status).toBe(401);
    expect((await late.json()).message).toMatch(/"exp" claim/);
  });

  it("leaves health checks and webhooks to themselves", async () => {
    const t = authedApp();
    expect((await t.request("/healthz")).status).toBe(200);
    const webhook = await t.request("/webhooks/unknown", { method: "POST", body: "x" });
    expect(webhook.status).not.toBe(401);
  });

  it("logs who made each request", async () => {
    const t = authedApp();
    await t.request("/topics", { headers: bearer(KEYS.web) });
    expect(t.logs).toContainEqual(expect.objectContaining({ msg: "request", principal: "web", status: 200 }));
  });

  it("never shows a credential in a response or a log line", async () => {
    const t = authedApp();
    await t.request("/topics", { headers: bearer(KEYS.web) });
    await t.request("/topics", { headers: bearer(`${KEYS.web}x`) });
    const res = await t.request("/nope", { headers: bearer(KEYS.web) });
    const text = JSON.stringify(t.logs) + (await res.text());
    for (const secret of [...Object.values(KEYS), SECRET]) expect(text).not.toContain(secret);
  });
});

describe("per-topic permissions", () => {
  it("lets a principal produce where it may and answers 403/40301 elsewhere, before the topic is looked up", async () => {
    const t = authedApp();
    expect((await t.produce(KEYS.web, "clicks", ["a"])).status).toBe(200);
    const res = await t.produce(KEYS.web, "payments", ["a"]);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error_code: 40301,
      message: "Not authorized: principal 'web' may not produce to topic 'payments'.",
    });
    expect(await t.backend.describeTopic("payments")).toBeUndefined();
  });

  it("grants everyone what AUTH_PERMISSIONS gives *", async () => {
    const t = authedApp();
    await t.produce(KEYS.ops, "public-news", ["n"]);
    const read = await t.as(KEYS.web)("/topics/public-news/partitions/0/messages?offset=0");
    expect(read.status).toBe(200);
  });

  it("hides topics a principal has no permission on, in lists and descriptions alike", async () => {
    const t = authedApp();
    await t.produce(KEYS.ops, "clicks", ["a"]);
    await t.produce(KEYS.ops, "payments", ["a"]);
    expect(await (await t.as(KEYS.web)("/topics")).json()).toEqual(["clicks"]);
    expect(await (await t.as(KEYS.ops)("/topics")).json()).toEqual(["clicks", "payments"]);
    const v3 = await (await t.as(KEYS.web)("/v3/clusters/embedded/topics")).json();
    expect(v3.data.map((d: { topic_name: string }) => d.topic_name)).toEqual(["clicks"]);
    for (const path of ["/topics/payments", "/topics/payments/partitions/0/offsets"]) {
      expect((await t.as(KEYS.web)(path)).status, path).toBe(403);
    }
    expect((await t.as(KEYS.web)("/topics/payments/partitions/0/messages?offset=0")).status).toBe(403);
  });

  it("needs admin to create or delete topics with v3", async () => {
    const t = authedApp();
    const create = (key: string) =>
      t.as(key)("/v3/clusters/embedded/topics", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        json: { topic_name: "audit", partitions_count: 1 },
      });
    expect((await create(KEYS.web)).status).toBe(403);
    expect((await create(KEYS.ops)).status).toBe(201);
    const remove = (key: string) => t.as(key)("/v3/clusters/embedded/topics/audit", { method: "DELETE" });
    expect((await remove(KEYS.web)).status).toBe(403);
    expect((await remove(KEYS.ops)).status).toBe(204);
  });

  it("refuses paths no rule covers to everyone but admin:*, and keeps 405 for known paths", async () => {
    const t = authedApp();
    expect((await t.as(KEYS.web)("/internal/debug")).status).toBe(403);
    expect((await t.as(KEYS.ops)("/internal/debug")).status).toBe(404);
    expect((await t.as(KEYS.web)("/brokers", { method: "DELETE" })).status).toBe(405);
  });

  it("limits records per produce request", async () => {
    const t = authedApp({ MAX_RECORDS_PER_REQUEST: "2" });
    const res = await t.produce(KEYS.web, "clicks", ["a", "b", "c"]);
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      "records: at most 2 records per request (MAX_RECORDS_PER_REQUEST); got 3. Split the batch.",
    );
    expect(await t.backend.describeTopic("clicks")).toBeUndefined();
    expect((await t.produce(KEYS.web, "clicks", ["a", "b"])).status).toBe(200);
  });
});

describe("consumer instances and principals", () => {
  const json = { "Content-Type": V2, Accept: V2 };

  async function createAndSubscribe(t: ReturnType<typeof authedApp>, key: string, name: string) {
    const created = await t.as(key)("/consumers/g", {
      method: "POST",
      headers: json,
      json: { name, format: "json", "auto.offset.reset": "earliest" },
    });
    expect(created.status).toBe(200);
    const subscribed = await t.as(key)(`/consumers/g/instances/${name}/subscription`, {
      method: "POST",
      headers: json,
      json: { topics: ["clicks"] },
    });
    expect(subscribed.status).toBe(204);
  }

  it("answers 40403 to any principal but the creator, for every call on the instance", async () => {
    const t = authedApp();
    await createAndSubscribe(t, KEYS.web, "mine");
    const path = "/consumers/g/instances/mine";
    const calls: Array<[string, RequestInit & { json?: unknown }]> = [
      [`${path}/records?timeout=10`, { headers: { Accept: V2_JSON } }],
      [`${path}/subscription`, { headers: json }],
      [`${path}/assignments`, { headers: json }],
      [`${path}/offsets`, { method: "POST", headers: json }],
      [`${path}/topics/clicks`, { headers: { Accept: V2_JSON } }],
      [path, { method: "DELETE", headers: json }],
    ];
    for (const [url, init] of calls) {
      const res = await t.as(KEYS.other)(url, init);
      expect(res.status, url).toBe(404);
      expect(await res.json()).toEqual({ error_code: 40403, message: "Consumer instance not found." });
    }
    await t.produce(KEYS.web, "clicks", ['"still mine"']);
    const records = await t.as(KEYS.web)(`${path}/records?timeout=500`, { headers: { Accept: V2_JSON } });
    expect(records.status).toBe(200);
    expect((await records.json()).map((r: { value: unknown }) => r.value)).toEqual(["still mine"]);
    expect((await t.as(KEYS.web)(path, { method: "DELETE", headers: json })).status).toBe(204);
  });

  it("checks the topics a subscription, assignment or commit names", async () => {
    const t = authedApp();
    await t.as(KEYS.web)("/consumers/g", { method: "POST", headers: json, json: { name: "c" } });
    const path = "/consumers/g/instances/c";
    const denied: Array<[string, unknown]> = [
      [`${path}/subscription`, { topics: ["clicks", "payments"] }],
      [`${path}/subscription`, { topic_pattern: "cl.*" }],
      [`${path}/assignments`, { partitions: [{ topic: "payments", partition: 0 }] }],
      [`${path}/offsets`, { offsets: [{ topic: "payments", partition: 0, offset: 3 }] }],
    ];
    for (const [url, body] of denied) {
      const res = await t.as(KEYS.web)(url, { method: "POST", headers: json, json: body });
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect((await res.json()).error_code).toBe(40301);
    }
    const pattern = await t.as(KEYS.ops)("/consumers/g", {
      method: "POST",
      headers: json,
      json: { name: "o" },
    });
    expect(pattern.status).toBe(200);
    const opsSubscribe = await t.as(KEYS.ops)("/consumers/g/instances/o/subscription", {
      method: "POST",
      headers: json,
      json: { topic_pattern: "cl.*" },
    });
    expect(opsSubscribe.status).toBe(204);
  });
});

describe("other dialects and routes under authentication", () => {
  const basic = (principal: keyof typeof KEYS) => ({
    Authorization: `Basic ${btoa(`${principal}:${KEYS[principal]}`)}`,
  });

  it("signs Upstash clients in with Basic principal:API key and answers in the Upstash envelope", async () => {
    const t = authedApp();
    const anonymous = await t.request("/upstash/topics");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: "Authentication required: send Authorization: Bearer <API key or JWT>.",
      status: 401,
    });
    const produce = (topic: string) =>
      t.request("/upstash/produce", {
        method: "POST",
        headers: { ...basic("web"), "Content-Type": "application/json" },
        json: { topic, value: "v" },
      });
    expect((await produce("clicks")).status).toBe(200);
    const denied = await produce("payments");
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      error: "Not authorized: principal 'web' may not produce to topic 'payments'.",
      status: 403,
    });
    await t.produce(KEYS.ops, "payments", ["p"]);
    expect(await (await t.request("/upstash/topics", { headers: basic("web") })).json()).toEqual({
      clicks: 1,
    });
  });

  it("lists and serves Upstash consumer instances to their owner only", async () => {
    const t = authedApp();
    await t.produce(KEYS.web, "clicks", ["c"]);
    const consume = await t.request("/upstash/consume/g/mine", {
      method: "POST",
      headers: { ...basic("web"), "Content-Type": "application/json" },
      json: { topic: "clicks", timeout: 50 },
    });
    expect(consume.status).toBe(200);
    const listed = async (who: keyof typeof KEYS) =>
      (await (await t.request("/upstash/consumers", { headers: basic(who) })).json()).map(
        (g: { name: string }) => g.name,
      );
    expect(await listed("web")).toEqual(["g"]);
    expect(await listed("other")).toEqual([]);
    const stolen = await t.request("/upstash/delete-consumer/g/mine", {
      method: "POST",
      headers: basic("other"),
    });
    expect(stolen.status).toBe(404);
  });

  it("serves the API description to anyone and sink status to admin:* only", async () => {
    const t = authedApp();
    expect((await t.request("/openapi.json")).status).toBe(200);
    expect((await t.as(KEYS.web)("/sinks")).status).toBe(403);
    expect((await t.as(KEYS.ops)("/sinks")).status).toBe(200);
  });
});
