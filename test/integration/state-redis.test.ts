import { describe, expect, it } from "vitest";
import { createRedisStateStore } from "../../src/state/redis.ts";
import { describeStateStore } from "../contract/state-store.ts";
import { redisUrl } from "../helpers/redis.ts";

const prefix = `test-${process.pid}-${Date.now()}:`;

describeStateStore("redis (real redis-server)", async () => {
  const store = createRedisStateStore({ url: redisUrl(), keyPrefix: prefix });
  return { store, close: () => store.close() };
});

describe("redis state store specifics", () => {
  it("keeps stores with different key prefixes apart in one database", async () => {
    const url = redisUrl();
    const a = createRedisStateStore({ url, keyPrefix: `${prefix}a:` });
    const b = createRedisStateStore({ url, keyPrefix: `${prefix}b:` });
    try {
      await a.put("shared-name", "from a");
      expect(await b.get("shared-name")).toBeUndefined();
      expect((await a.list("shared")).map((e) => e.value)).toEqual(["from a"]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("sees another client's writes: state is shared, not per process", async () => {
    const url = redisUrl();
    const writer = createRedisStateStore({ url, keyPrefix: prefix });
    const reader = createRedisStateStore({ url, keyPrefix: prefix });
    try {
      const version = await writer.put("across", "hello");
      expect(await reader.get("across")).toEqual({ value: "hello", version });
      expect((await reader.compareAndSet("across", version, "changed")).ok).toBe(true);
      expect((await writer.get("across"))?.value).toBe("changed");
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
