import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { parseConfig } from "../../src/config/index.ts";
import { createJsonLogger } from "../../src/logger.ts";
import { createMemoryStateStore } from "../../src/state/memory.ts";
import { base64, testApp, V2_BINARY } from "../helpers/app.ts";

describe("unknown paths and methods", () => {
  it("answers 404 in the envelope for an unknown path", async () => {
    const res = await testApp().request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error_code: 404, message: "HTTP 404 Not Found" });
  });

  it("answers 405 with Allow for a known path and the wrong method", async () => {
    const res = await testApp().request("/topics/t/partitions", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect((await res.json()).error_code).toBe(405);
    const produce = await testApp().request("/topics/t", { method: "PUT" });
    expect(produce.headers.get("allow")).toBe("GET, POST, HEAD");
  });
});

describe("request size", () => {
  it("answers 413 for a body over MAX_REQUEST_BYTES and writes nothing", async () => {
    const t = testApp({ MAX_REQUEST_BYTES: "2048" });
    const res = await t.request("/topics/big", {
      method: "POST",
      headers: { "Content-Type": V2_BINARY },
      json: { records: [{ value: base64("x".repeat(4096)) }] },
    });
    expect(res.status).toBe(413);
    const envelope = await res.json();
    expect(envelope.error_code).toBe(413);
    expect(envelope.message).toMatch(/MAX_REQUEST_BYTES \(2048 bytes\)/);
    expect(await t.backend.describeTopic("big")).toBeUndefined();
  });

  it("counts a streamed body without Content-Length too", async () => {
    const t = testApp({ MAX_REQUEST_BYTES: "2048" });
    const chunk = new TextEncoder().encode("x".repeat(1024));
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await t.app.request("/topics/big", {
      method: "POST",
      headers: { "Content-Type": V2_BINARY },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });
});

describe("request ids and logs", () => {
  it("honours an incoming X-Request-Id, returns it and logs it in one JSON line", async () => {
    const t = testApp();
    const res = await t.request("/topics", { headers: { "X-Request-Id": "abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        level: "info",
        msg: "request",
        request_id: "abc-123",
        method: "GET",
        status: 200,
      }),
    );
  });

  it("generates a request id when none is sent", async () => {
    const res = await testApp().request("/topics");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("failures inside the backend", () => {
  function brokenApp() {
    const broken = new Proxy({} as KafkaBackend, {
      get: (_target, property) =>
        property === "name" ? "broken" : () => Promise.reject(new TypeError("socket exploded")),
    });
    const logs: Array<Record<string, unknown>> = [];
    const app = createApp({
      backend: broken,
      state: createMemoryStateStore(),
      config: parseConfig({}),
      logger: createJsonLogger("debug", (line) => logs.push(JSON.parse(line))),
    });
    return { app, logs };
  }

  it("answers an unexpected error with a 500 envelope that leaks no internals, and logs it", async () => {
    const { app, logs } = brokenApp();
    const res = await app.request("/topics", { headers: { "X-Request-Id": "r1" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error_code: 500, message: "Internal Server Error" });
    const logged = logs.find((l) => l.level === "error");
    expect(logged).toMatchObject({
      request_id: "r1",
      error: { name: "TypeError", message: "socket exploded" },
    });
  });

  it("reports readiness 503/50302 when the backend does not answer", async () => {
    const { app } = brokenApp();
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect((await res.json()).error_code).toBe(50302);
  });
});

describe("health", () => {
  it("answers /healthz and /readyz", async () => {
    const t = testApp();
    expect(await (await t.request("/healthz")).json()).toEqual({ status: "ok" });
    expect(await (await t.request("/readyz")).json()).toEqual({ status: "ready", backend: "memory" });
  });
});

describe("hostile input", () => {
  it.each([
    ["a JSON array body", "[1,2]"],
    ["a JSON string body", '"records"'],
    ["deeply nested JSON", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ["records of the wrong type", '{"records":[1,2,3]}'],
    ["a null record", '{"records":[null]}'],
    ["binary garbage", "\u0000\u0001\u0002"],
  ])("answers %s with a 4xx envelope", async (_case, body) => {
    const res = await testApp().request("/topics/t", {
      method: "POST",
      headers: { "Content-Type": V2_BINARY },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(typeof (await res.json()).error_code).toBe("number");
  });

  it("survives percent-encoding tricks in paths", async () => {
    const t = testApp();
    for (const path of [
      "/topics/%2e%2e",
      "/topics/%00/partitions/0",
      "/topics/a%2Fb/partitions",
      "/topics/%E0%A4%A",
    ]) {
      const res = await t.request(path);
      expect(res.status).toBeLessThan(500);
    }
  });
});
