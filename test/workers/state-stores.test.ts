/**
 * The StateStore contract inside workerd, against miniflare's local KV and SQLite Durable Objects
 * (the bindings of wrangler.toml). The KV store claims atomic=false, so the suite skips its
 * atomicity cases; miniflare's KV is strongly consistent and has no write rate limit, so the
 * eventual consistency and the 429s of production KV cannot show here.
 */

import { env } from "cloudflare:workers";
import type { DurableObjectNamespace, KVNamespace } from "@cloudflare/workers-types";
import { describe, expect, it } from "vitest";
import { createKvStateStore } from "../../src/state/cloudflare-kv.ts";
import { type ConsumerGroupDO, createDurableObjectStateStore } from "../../src/state/durable-object.ts";
import { describeStateStore } from "../contract/state-store.ts";

const bindings = env as unknown as {
  STATE_KV: KVNamespace;
  CONSUMER_GROUPS: DurableObjectNamespace<ConsumerGroupDO>;
};

describeStateStore("durable-object", async () => ({
  store: createDurableObjectStateStore({ namespace: bindings.CONSUMER_GROUPS, keyPrefix: "test:" }),
  close: async () => {},
}));

describeStateStore("kv", async () => ({
  store: createKvStateStore({ namespace: bindings.STATE_KV, keyPrefix: "test:" }),
  close: async () => {},
}));

describe("Durable Object store across objects", () => {
  const store = createDurableObjectStateStore({ namespace: bindings.CONSUMER_GROUPS, keyPrefix: "spread:" });

  it("lists the keys of every group's object under a prefix that spans groups", async () => {
    const run = Math.random().toString(36).slice(2, 8);
    await store.put(`consumer:${run}a:one`, "1");
    await store.compareAndSet(`consumer:${run}b:two`, null, "2");
    await store.put(`other:${run}c:three`, "3");
    expect((await store.list(`consumer:${run}`)).map((e) => e.key)).toEqual([
      `consumer:${run}a:one`,
      `consumer:${run}b:two`,
    ]);
    expect((await store.list(`consumer:${run}b:`)).map((e) => e.value)).toEqual(["2"]);
    expect((await store.list("consumer:")).map((e) => e.key)).toContain(`consumer:${run}a:one`);
  });
});
