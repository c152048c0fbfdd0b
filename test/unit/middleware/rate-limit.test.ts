import { afterAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "../../../src/auth/rate-limiter.ts";
import { createMemoryStateStore } from "../../../src/state/memory.ts";
import { createRedisStateStore } from "../../../src/state/redis.ts";
import { testApp } from "../../helpers/app.ts";
import { redisUrl } from "../../helpers/redis.ts";

describe("the fixed-window rate limiter", () => {
  it("allows `limit` requests per window and principal, then says how long to wait", async () => {
    let now = 120_000 + 15_000;
    const limiter = createRateLimiter({
      store: createMemoryStateStore(),
      limit: 2,
      windowMs: 60_000,
      now: () => now,
    });
    expect(await limiter.take("a")).toEqual({ allowed: true });
    expect(await limiter.take("a")).toEqual({ allowed: true });
    expect(await limiter.take("a")).toEqual({ allowed: false, retryAfterMs: 45_000 });
    expect(await limiter.take("b")).toEqual({ allowed: true });
    now = 180_000;
    expect(await limiter.take("a")).toEqual({ allowed: true });
  });

  it("counts every one of many simultaneous requests exactly once", async () => {
    const limiter = createRateLimiter({
      store: createMemoryStateStore(),
      limit: 25,
      windowMs: 60_000,
      now: () => 0,
    });
    const decisions = await Promise.all(Array.from({ length: 40 }, () => limiter.take("burst")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
  });

  describe("on Redis, shared by several proxies", () => {
    const prefix = `kep-test-ratelimit-${process.pid}-${Date.now()}:`;
    const stores = [0, 1].map(() => createRedisStateStore({ url: redisUrl(), keyPrefix: prefix }));
    afterAll(() => Promise.all(stores.map((s) => s.close())));

    it("holds the limit across processes racing for the same count", async () => {
      const limiters = stores.map((store) =>
        createRateLimiter({ store, limit: 30, windowMs: 60_000, now: () => 0 }),
      );
      const decisions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => limiters[i % 2].take("shared-principal")),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(30);
    });
  });
});

describe("the rate-limit middleware", () => {
  const KEYS = { a: "a-key-0123456789abcdef", b: "b-key-0123456789abcdef" };
  const env = {
    AUTH_ENABLED: "true",
    AUTH_API_KEYS: JSON.stringify(KEYS),
    RATE_LIMIT_PER_MINUTE: "3",
  };

  it("answers 429 in the error envelope with Retry-After, per principal", async () => {
    const t = testApp(env);
    // A minute may turn during the loop and reset the count once; 2 × limit + 2 requests still
    // meet the limit at least once.
    const statuses: Response[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(await t.request("/topics", { headers: { Authorization: `Bearer ${KEYS.a}` } }));
    const limited = statuses.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    const retryAfter = Number(limited?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await limited?.json();
    expect(body.error_code).toBe(429);
    expect(body.message).toMatch(/^Rate limit exceeded: at most 3 requests per minute/);
    const other = await t.request("/topics", { headers: { Authorization: `Bearer ${KEYS.b}` } });
    expect(other.status).toBe(200);
  });

  it("answers the Upstash dialect in its own envelope", async () => {
    const t = testApp(env);
    const basic = { Authorization: `Basic ${btoa(`a:${KEYS.a}`)}` };
    const responses: Response[] = [];
    for (let i = 0; i < 8; i++) responses.push(await t.request("/upstash/topics", { headers: basic }));
    const limited = responses.find((r) => r.status === 429);
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limited?.json()).toEqual({
      error: expect.stringMatching(/^Rate limit exceeded/),
      status: 429,
    });
  });

  it("does not count health checks, and is off by default", async () => {
    const t = testApp(env);
    for (let i = 0; i < 8; i++) expect((await t.request("/healthz")).status).toBe(200);
    const unlimited = testApp();
    for (let i = 0; i < 8; i++) expect((await unlimited.request("/topics")).status).toBe(200);
  });
});
