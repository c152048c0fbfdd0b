import { describe, expect, it } from "vitest";
import { createMemoryBackend } from "../../../src/backends/memory.ts";
import { assignRoundRobin } from "../../../src/core/consumers/assignment.ts";
import type { ConsumerContext } from "../../../src/core/consumers/context.ts";
import { createConsumer, subscribe } from "../../../src/core/consumers/lifecycle.ts";
import { readRecords } from "../../../src/core/consumers/read.ts";
import { createMemoryStateStore } from "../../../src/state/memory.ts";
import { testApp } from "../../helpers/app.ts";
import { consumerApi, produce, values } from "../../helpers/consumers.ts";
import { countingStore } from "../../helpers/counting-store.ts";

describe("assignRoundRobin", () => {
  it("shares partitions like Kafka's RoundRobinAssignor, the same whatever the member order", () => {
    const counts = new Map([
      ["a", 3],
      ["b", 2],
    ]);
    const members = [
      { name: "m2", topics: ["a", "b"] },
      { name: "m1", topics: ["a", "b"] },
    ];
    const shares = assignRoundRobin(members, counts);
    expect(shares.get("m1")).toEqual([
      { topic: "a", partition: 0 },
      { topic: "a", partition: 2 },
      { topic: "b", partition: 1 },
    ]);
    expect(shares.get("m2")).toEqual([
      { topic: "a", partition: 1 },
      { topic: "b", partition: 0 },
    ]);
    expect(assignRoundRobin([...members].reverse(), counts)).toEqual(shares);
  });

  it("gives a topic's partitions only to members that subscribe to it", () => {
    const shares = assignRoundRobin(
      [
        { name: "x", topics: ["a"] },
        { name: "y", topics: ["b"] },
      ],
      new Map([
        ["a", 2],
        ["b", 1],
      ]),
    );
    expect(shares.get("x")).toEqual([
      { topic: "a", partition: 0 },
      { topic: "a", partition: 1 },
    ]);
    expect(shares.get("y")).toEqual([{ topic: "b", partition: 0 }]);
  });
});

describe("group semantics without Kafka group membership", () => {
  async function groupOfTwo(env: Record<string, string> = {}) {
    const t = testApp(env);
    const api = consumerApi(t);
    await t.backend.createTopic({ topic: "shared", partitions: 4 });
    for (const name of ["a", "b"]) {
      await api.create("g", { name, "auto.offset.reset": "earliest", "auto.commit.enable": "false" });
      await api.subscribe("g", name, ["shared"]);
    }
    return { t, api };
  }

  it("shares the topic's partitions among the subscribed instances, disjoint and complete", async () => {
    const { api } = await groupOfTwo();
    const a = await api.assignments("g", "a");
    const b = await api.assignments("g", "b");
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    const all = [...a, ...b].map((tp) => tp.partition).sort();
    expect(all).toEqual([0, 1, 2, 3]);
  });

  it("lets each instance read only its share, so the group sees every record once", async () => {
    const { t, api } = await groupOfTwo();
    for (let p = 0; p < 4; p++) await produce(t, "shared", [`p${p}`], p);
    const a = values(await (await api.records("g", "a")).json());
    const b = values(await (await api.records("g", "b")).json());
    expect([...a, ...b].sort()).toEqual(["p0", "p1", "p2", "p3"]);
    expect(a.filter((v) => b.includes(v))).toEqual([]);
  });

  it("moves a deleted member's partitions to the others, from the group's committed offsets", async () => {
    const { t, api } = await groupOfTwo();
    for (let p = 0; p < 4; p++) await produce(t, "shared", [`p${p}-0`, `p${p}-1`], p);
    const bShare = await api.assignments("g", "b");
    await api.records("g", "b", "timeout=100&max_bytes=1");
    await api.commit("g", "b");
    await api.remove("g", "b");
    expect((await api.assignments("g", "a")).map((tp) => tp.partition).sort()).toEqual([0, 1, 2, 3]);
    const read = values(await (await api.records("g", "a", "timeout=200")).json());
    const readByB = bShare.length > 0 ? [`p${bShare[0].partition}-0`] : [];
    expect(read.sort()).toEqual(
      ["p0-0", "p0-1", "p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"]
        .filter((v) => !readByB.includes(v))
        .sort(),
    );
  });

  it("moves an expired member's partitions to a member that keeps reading", async () => {
    const { t, api } = await groupOfTwo({
      CONSUMER_INSTANCE_TIMEOUT_MS: "1000",
      CONSUMER_ASSIGNMENT_REFRESH_MS: "200",
    });
    for (let p = 0; p < 4; p++) await produce(t, "shared", [`p${p}`], p);
    const aRead: string[] = [];
    for (let i = 0; i < 8 && aRead.length < 4; i++) {
      aRead.push(...values(await (await api.records("g", "a", "timeout=250")).json()));
    }
    expect(aRead.sort()).toEqual(["p0", "p1", "p2", "p3"]);
    expect(await api.assignments("g", "a")).toHaveLength(4);
    expect((await api.records("g", "b", "timeout=1")).status).toBe(404);
  });

  it("leaves manual assignments out of the group's sharing", async () => {
    const { api } = await groupOfTwo();
    await api.create("g", { name: "manual" });
    await api.assign("g", "manual", [{ topic: "shared", partition: 0 }]);
    expect(await api.assignments("g", "manual")).toEqual([{ topic: "shared", partition: 0 }]);
    expect([...(await api.assignments("g", "a")), ...(await api.assignments("g", "b"))]).toHaveLength(4);
  });
});

describe("concurrency and state I/O", () => {
  async function context() {
    const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 });
    const store = countingStore(createMemoryStateStore());
    const ctx: ConsumerContext = {
      backend,
      store,
      now: Date.now,
      options: {
        instanceTimeoutMs: 60_000,
        requestTimeoutMs: 200,
        maxBytes: 1 << 20,
        assignmentRefreshMs: 60_000,
      },
    };
    await backend.createTopic({ topic: "t", partitions: 3 });
    await createConsumer(ctx, "g", {
      name: "c",
      "auto.offset.reset": "earliest",
      "auto.commit.enable": "false",
    });
    await subscribe(ctx, "g", "c", { topics: ["t"] });
    return { backend, store, ctx };
  }

  it("never returns the same record to two simultaneous reads of one instance", async () => {
    const { backend, ctx } = await context();
    await backend.produce(
      "t",
      Array.from({ length: 300 }, (_, i) => ({ key: null, value: new TextEncoder().encode(String(i)) })),
    );
    const seen: string[] = [];
    for (let round = 0; round < 10 && seen.length < 300; round++) {
      const reads = await Promise.all(
        Array.from({ length: 8 }, () => readRecords(ctx, "g", "c", { maxBytes: 40, timeoutMs: 50 })),
      );
      for (const read of reads) seen.push(...read.records.map((r) => `${r.partition}/${r.offset}`));
    }
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });

  it("costs one state read and one conditional write per read in the common case", async () => {
    const { backend, store, ctx } = await context();
    await backend.produce("t", [{ key: null, value: new Uint8Array([1]), partition: 0 }]);
    await readRecords(ctx, "g", "c", { timeoutMs: 50 });
    await backend.produce("t", [{ key: null, value: new Uint8Array([2]), partition: 0 }]);
    store.reset();
    const { records } = await readRecords(ctx, "g", "c", { timeoutMs: 50 });
    expect(records).toHaveLength(1);
    expect(store.counts).toEqual({ get: 1, put: 0, compareAndSet: 1, delete: 0, list: 0 });
  });
});
