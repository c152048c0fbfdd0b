import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StateStore } from "../../src/state/types.ts";

export interface StoreUnderTest {
  store: StateStore;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One behaviour for every StateStore. Keys are namespaced per run so a shared server can run the
 * suite repeatedly. `atomicity` is checked only for stores that claim it.
 */
export function describeStateStore(name: string, start: () => Promise<StoreUnderTest>): void {
  describe(`StateStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: StateStore;
    const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    let counter = 0;
    const key = (label: string) => `contract/${run}/${label}/${counter++}`;

    beforeAll(async () => {
      subject = await start();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.close();
    });

    it("reads back what was put, with a version that grows on every write", async () => {
      const k = key("put");
      expect(await store.get(k)).toBeUndefined();
      const v1 = await store.put(k, "one");
      expect(await store.get(k)).toEqual({ value: "one", version: v1 });
      const v2 = await store.put(k, "two");
      expect(v2).toBeGreaterThan(v1);
      expect(await store.get(k)).toEqual({ value: "two", version: v2 });
    });

    it("keeps values byte for byte, including JSON and non-ASCII text", async () => {
      const k = key("text");
      const value = JSON.stringify({ a: 'ü 日本 \u0000 "q"', n: [1, 2] });
      await store.put(k, value);
      expect((await store.get(k))?.value).toBe(value);
    });

    it("sets a value only while the caller's version is current", async () => {
      const k = key("cas");
      const created = await store.compareAndSet(k, null, "first");
      expect(created.ok).toBe(true);
      expect((await store.compareAndSet(k, null, "again")).ok).toBe(false);
      const version = created.ok ? created.version : -1;
      const updated = await store.compareAndSet(k, version, "second");
      expect(updated.ok).toBe(true);
      expect((await store.compareAndSet(k, version, "stale")).ok).toBe(false);
      expect((await store.get(k))?.value).toBe("second");
    });

    it("refuses a compare-and-set against a key that is gone", async () => {
      const k = key("gone");
      const version = await store.put(k, "x");
      await store.delete(k);
      expect((await store.compareAndSet(k, version, "y")).ok).toBe(false);
      expect(await store.get(k)).toBeUndefined();
    });

    it("deletes, saying whether anything was there", async () => {
      const k = key("delete");
      await store.put(k, "x");
      expect(await store.delete(k)).toBe(true);
      expect(await store.delete(k)).toBe(false);
      expect(await store.get(k)).toBeUndefined();
    });

    it("forgets a key once its time to live has passed, and a write renews it", async () => {
      const k = key("ttl");
      const renewed = key("ttl-renewed");
      await store.put(k, "short", { ttlMs: 150 });
      await store.put(renewed, "short", { ttlMs: 150 });
      expect((await store.get(k))?.value).toBe("short");
      await sleep(100);
      await store.put(renewed, "renewed", { ttlMs: 5000 });
      await sleep(250);
      expect(await store.get(k)).toBeUndefined();
      expect((await store.get(renewed))?.value).toBe("renewed");
      expect((await store.compareAndSet(k, null, "new")).ok).toBe(true);
    });

    it("a write without ttl removes an earlier one", async () => {
      const k = key("persist");
      await store.put(k, "short", { ttlMs: 100 });
      await store.put(k, "forever");
      await sleep(200);
      expect((await store.get(k))?.value).toBe("forever");
    });

    it("lists live entries by prefix, in key order, and nothing outside it", async () => {
      const base = key("list");
      await store.put(`${base}/b`, "2");
      await store.put(`${base}/a`, "1");
      await store.put(`${base}/c`, "3", { ttlMs: 50 });
      await store.put(`${base}x/other`, "no");
      await sleep(150);
      const entries = await store.list(`${base}/`);
      expect(entries.map((e) => [e.key, e.value])).toEqual([
        [`${base}/a`, "1"],
        [`${base}/b`, "2"],
      ]);
      expect(entries.every((e) => typeof e.version === "number")).toBe(true);
    });

    it("treats glob characters in a prefix literally", async () => {
      const base = key("glob");
      await store.put(`${base}/*[x]?`, "literal");
      await store.put(`${base}/abc`, "other");
      expect((await store.list(`${base}/*[x]`)).map((e) => e.value)).toEqual(["literal"]);
    });

    it("lets exactly one of many concurrent compare-and-sets on one version win", async () => {
      if (!store.atomic) return;
      const k = key("race");
      const version = await store.put(k, "0");
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.compareAndSet(k, version, `writer-${i}`)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it("counts correctly under concurrent read-modify-write loops", async () => {
      if (!store.atomic) return;
      const k = key("counter");
      await store.put(k, "0");
      const increment = async () => {
        for (;;) {
          const current = await store.get(k);
          const next = String(Number(current?.value) + 1);
          if ((await store.compareAndSet(k, current?.version ?? null, next)).ok) return;
        }
      };
      await Promise.all(Array.from({ length: 25 }, increment));
      expect((await store.get(k))?.value).toBe("25");
    });
  });
}
