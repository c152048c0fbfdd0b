import { describe, expect, it } from "vitest";
import { testApp } from "../../helpers/app.ts";

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("Upstash dialect: produce", () => {
  it("answers a body over MAX_REQUEST_BYTES with 413 in the Upstash envelope, writing nothing", async () => {
    const t = testApp({ MAX_REQUEST_BYTES: "2048" });
    const res = await t.app.request("/upstash/produce", post({ topic: "big", value: "x".repeat(4096) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: "Request body is larger than MAX_REQUEST_BYTES (2048 bytes).",
      status: 413,
    });
    expect(await t.backend.describeTopic("big")).toBeUndefined();
  });

  it("answers a single message with a one-element metadata array, as the client expects", async () => {
    const t = testApp();
    const res = await t.app.request("/upstash/produce", post({ topic: "greetings", value: "hello" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toEqual([{ topic: "greetings", partition: 0, offset: 0, timestamp: expect.any(Number) }]);
  });

  it("produces to several topics in one request and answers in request order", async () => {
    const t = testApp();
    const res = await t.app.request(
      "/upstash/produce",
      post([
        { topic: "a", value: "1" },
        { topic: "b", value: "2", key: "k", headers: [{ key: "h", value: "v" }] },
        { topic: "a", value: "3", timestamp: 1_700_000_000_000 },
      ]),
    );
    const body = await res.json();
    expect(body.map((m: { topic: string; offset: number }) => [m.topic, m.offset])).toEqual([
      ["a", 0],
      ["b", 0],
      ["a", 1],
    ]);
    expect(body[2].timestamp).toBe(1_700_000_000_000);
    const [b] = await t.backend.fetch([{ topic: "b", partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    const record = b.records[0];
    expect(new TextDecoder().decode(record.key ?? undefined)).toBe("k");
    expect(record.headers.map((h) => [h.key, new TextDecoder().decode(h.value ?? undefined)])).toEqual([
      ["h", "v"],
    ]);
  });

  it("takes the topic from the path, and a single message from the path with ?key=", async () => {
    const t = testApp();
    const many = await t.app.request("/upstash/produce/events", post([{ value: "x" }, { value: "y" }]));
    expect((await many.json()).map((m: { offset: number }) => m.offset)).toEqual([0, 1]);
    const one = await t.app.request("/upstash/produce/events/hello-world?key=user1");
    expect(await one.json()).toMatchObject({ topic: "events", partition: 0, offset: 2 });
  });

  it("parses the body as JSON whatever the Content-Type (the docs' curl sends form-urlencoded)", async () => {
    const t = testApp();
    const res = await t.app.request(
      "/upstash/produce",
      post('{"topic":"t","value":"v"}', { "Content-Type": "application/x-www-form-urlencoded" }),
    );
    expect(res.status).toBe(200);
    expect((await res.json())[0].topic).toBe("t");
  });

  it("refuses bad input with a 400 in the Upstash envelope", async () => {
    const t = testApp();
    const cases: Array<[unknown, RegExp]> = [
      ["{not json", /Malformed JSON/],
      [{ topic: "t" }, /value: is required and must be a string/],
      [{ value: "v" }, /0\.topic: is required/],
      [{ topic: "t", value: "v", partition: -1 }, /partition/],
      [[], /Nothing to produce/],
    ];
    for (const [body, message] of cases) {
      const res = await t.app.request("/upstash/produce", post(body));
      expect(res.status).toBe(400);
      const envelope = await res.json();
      expect(envelope).toEqual({ error: expect.stringMatching(message), status: 400 });
    }
  });

  it("answers a missing topic with 404 when topics are not auto-created", async () => {
    const t = testApp({ AUTO_CREATE_TOPICS: "false" });
    const res = await t.app.request("/upstash/produce/nope", post({ value: "v" }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Topic 'nope' not found.", status: 404 });
  });

  it("refuses a path topic that contradicts the message's", async () => {
    const t = testApp();
    const res = await t.app.request("/upstash/produce/a", post({ topic: "b", value: "v" }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/differs from the topic in the path/);
  });
});

describe("Upstash dialect: webhook", () => {
  it("produces the raw body with the non-standard request headers as Kafka headers", async () => {
    const t = testApp();
    const res = await t.app.request("/upstash/webhook?topic=my-app-events", {
      method: "POST",
      headers: { "Content-Type": "text/plain", "event-timestamp": "1642628041", "event-origin": "my-app" },
      body: "some event data",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ topic: "my-app-events", partition: 0, offset: 0 });
    const [p] = await t.backend.fetch([{ topic: "my-app-events", partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    const record = p.records[0];
    expect(new TextDecoder().decode(record.value ?? undefined)).toBe("some event data");
    const headers = Object.fromEntries(
      record.headers.map((h) => [h.key, new TextDecoder().decode(h.value ?? undefined)]),
    );
    expect(headers).toEqual({ "event-timestamp": "1642628041", "event-origin": "my-app" });
  });

  it("needs a topic", async () => {
    const res = await testApp().app.request("/upstash/webhook", { method: "POST", body: "x" });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/topic is required/);
  });
});

describe("Upstash dialect: mounting", () => {
  it("answers unknown paths under the prefix in the Upstash envelope, and leaves Confluent's /topics alone", async () => {
    const t = testApp();
    const missing = await t.app.request("/upstash/nothing-here");
    expect(missing.status).toBe(404);
    expect((await missing.json()).status).toBe(404);
    await t.app.request("/upstash/produce", post({ topic: "x", value: "v" }));
    expect(await (await t.app.request("/topics")).json()).toEqual(["x"]);
    expect(await (await t.app.request("/upstash/topics")).json()).toEqual({ x: 1 });
  });

  it("serves under UPSTASH_PATH_PREFIX", async () => {
    const t = testApp({ UPSTASH_PATH_PREFIX: "/kafka/upstash" });
    expect((await t.app.request("/kafka/upstash/topics")).status).toBe(200);
    expect((await t.app.request("/upstash/topics")).status).toBe(404);
  });
});
