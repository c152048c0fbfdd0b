import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateTopicRequest, KafkaBackend, ProduceResult } from "../../src/backends/types.ts";
import { rejection } from "../helpers/errors.ts";

export interface BackendUnderTest {
  backend: KafkaBackend;
  close(): Promise<void>;
  /** For a backend that cannot create topics (the Upstash dialect): creates them on the cluster behind it. */
  createTopic?(request: CreateTopicRequest): Promise<void>;
}

export interface ContractOptions {
  /**
   * For a backend over a dialect that carries only text (Upstash): leaves out the four cases it
   * cannot express (creating and deleting a topic; null keys, null values and non-UTF-8 bytes;
   * null header values; commit metadata). The backend's own tests assert what it does instead.
   */
  textOnly?: boolean;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));

function okResults(results: ProduceResult[]) {
  return results.map((r) => {
    if (!r.ok) throw new Error(`record failed: ${r.error.message}`);
    return r;
  });
}

/**
 * One behaviour for every KafkaBackend: what a real Kafka broker does is what the embedded log
 * must do. Each backend's test file calls this with a factory; topics get unique names so a
 * shared broker can run the suite repeatedly.
 */
export function describeKafkaBackend(
  name: string,
  start: () => Promise<BackendUnderTest>,
  options: ContractOptions = {},
): void {
  const exactIt = options.textOnly ? undefined : it;
  describe(`KafkaBackend contract: ${name}`, () => {
    let subject: BackendUnderTest;
    let backend: KafkaBackend;
    const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    let counter = 0;
    const topicName = (label: string) => `contract-${label}-${run}-${counter++}`;

    async function topicWith(partitions: number, label = "t"): Promise<string> {
      const topic = topicName(label);
      const request = { topic, partitions };
      await (subject.createTopic ? subject.createTopic(request) : backend.createTopic(request));
      return topic;
    }

    beforeAll(async () => {
      subject = await start();
      backend = subject.backend;
    });
    afterAll(async () => {
      await subject?.close();
    });

    exactIt?.("creates, describes, lists and deletes a topic", async () => {
      const topic = topicName("admin");
      const created = await backend.createTopic({ topic, partitions: 3 });
      expect(created.name).toBe(topic);
      expect(created.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);

      const described = await backend.describeTopic(topic);
      expect(described?.partitions).toHaveLength(3);
      for (const p of described?.partitions ?? []) {
        expect(p.leader).toBeGreaterThanOrEqual(0);
        expect(p.replicas).toContainEqual({ broker: p.leader, leader: true, inSync: true });
      }
      expect(typeof described?.configs["cleanup.policy"]).toBe("string");
      expect(await backend.listTopics()).toContain(topic);

      await backend.deleteTopic(topic);
      expect(await backend.describeTopic(topic)).toBeUndefined();
    });

    it("refuses to create a topic twice, or with an illegal name, with 40002", async () => {
      const topic = await topicWith(1, "twice");
      expect((await rejection(backend.createTopic({ topic, partitions: 1 }))).code).toBe(40002);
      expect((await rejection(backend.createTopic({ topic: "bad name!", partitions: 1 }))).code).toBe(40002);
    });

    it("answers 40401 for a topic that does not exist", async () => {
      const missing = topicName("missing");
      expect(await backend.describeTopic(missing)).toBeUndefined();
      expect((await rejection(backend.deleteTopic(missing))).code).toBe(40401);
    });

    it("describes the cluster with at least one broker and its controller", async () => {
      const cluster = await backend.describeCluster();
      expect(cluster.clusterId).not.toBe("");
      expect(cluster.brokers.length).toBeGreaterThan(0);
      expect(cluster.brokers.map((b) => b.id)).toContain(cluster.controllerId);
    });

    it("gives offsets from 0 per partition, and the end offset is the next offset", async () => {
      const topic = await topicWith(2, "offsets");
      const results = okResults(
        await backend.produce(topic, [
          { key: null, value: bytes("a"), partition: 0 },
          { key: null, value: bytes("b"), partition: 0 },
          { key: null, value: bytes("c"), partition: 1 },
        ]),
      );
      expect(results.map((r) => [r.partition, r.offset])).toEqual([
        [0, 0],
        [0, 1],
        [1, 0],
      ]);
      const offsets = await backend.partitionOffsets([
        { topic, partition: 0 },
        { topic, partition: 1 },
      ]);
      expect(offsets).toEqual([
        { topic, partition: 0, beginning: 0, end: 2 },
        { topic, partition: 1, beginning: 0, end: 1 },
      ]);
    });

    it("puts keyed records on the partition the Java client chooses", async () => {
      const topic = await topicWith(3, "keys");
      const keys = ["foobar", "21", "abc", "a-little-bit-long-string", "a-little-bit-longer-string"];
      const results = okResults(
        await backend.produce(
          topic,
          keys.map((k) => ({ key: bytes(k), value: bytes("v") })),
        ),
      );
      expect(results.map((r) => r.partition)).toEqual([0, 0, 0, 2, 2]);
    });

    it("lets an explicit partition win over the key", async () => {
      const topic = await topicWith(3, "explicit");
      const [result] = okResults(
        await backend.produce(topic, [{ key: bytes("foobar"), value: bytes("v"), partition: 1 }]),
      );
      expect(result.partition).toBe(1);
    });

    it("spreads records without a key over the partitions", async () => {
      const topic = await topicWith(3, "spread");
      const results = okResults(
        await backend.produce(
          topic,
          Array.from({ length: 30 }, (_, i) => ({ key: null, value: bytes(String(i)) })),
        ),
      );
      expect(new Set(results.map((r) => r.partition)).size).toBeGreaterThan(1);
    });

    it("writes nothing when a record names a partition that does not exist (40402)", async () => {
      const topic = await topicWith(2, "badpartition");
      const error = await rejection(
        backend.produce(topic, [
          { key: null, value: bytes("kept out"), partition: 0 },
          { key: null, value: bytes("x"), partition: 7 },
        ]),
      );
      expect(error.code).toBe(40402);
      const [offsets] = await backend.partitionOffsets([{ topic, partition: 0 }]);
      expect(offsets.end).toBe(0);
    });

    exactIt?.("fetches exactly what was written: keys, values, nulls, headers and timestamps", async () => {
      const topic = await topicWith(1, "fetch");
      await backend.produce(topic, [
        {
          key: bytes("k1"),
          value: bytes("v1"),
          headers: [{ key: "h", value: bytes("x") }],
          timestamp: 1_700_000_000_000,
        },
        { key: null, value: null },
        { key: bytes(""), value: new Uint8Array([0, 255, 1]) },
      ]);
      const [partition] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 0,
      });
      expect(partition.highWatermark).toBe(3);
      const records = partition.records;
      expect(records.map((r) => r.offset)).toEqual([0, 1, 2]);
      expect(text(records[0].key)).toBe("k1");
      expect(text(records[0].value)).toBe("v1");
      expect(records[0].headers.map((h) => [h.key, text(h.value)])).toEqual([["h", "x"]]);
      expect(records[0].timestamp).toBe(1_700_000_000_000);
      expect(records[1].key).toBeNull();
      expect(records[1].value).toBeNull();
      expect(records[2].key).toEqual(new Uint8Array(0));
      expect(records[2].value).toEqual(new Uint8Array([0, 255, 1]));
      expect(records.every((r) => r.topic === topic && r.partition === 0)).toBe(true);
    });

    it("fetches from the middle of a partition and nothing below the requested offset", async () => {
      const topic = await topicWith(1, "middle");
      await backend.produce(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ key: null, value: bytes(String(i)), partition: 0 })),
      );
      const [partition] = await backend.fetch([{ topic, partition: 0, offset: 7 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 0,
      });
      expect(partition.records.map((r) => text(r.value))).toEqual(["7", "8", "9"]);
    });

    it("reads one partition at two offsets in one fetch, and nothing past the end", async () => {
      const topic = await topicWith(2, "twice-fetch");
      await backend.produce(
        topic,
        ["a", "b", "c"].map((v) => ({ key: null, value: bytes(v), partition: 0 })),
      );
      const fetched = await backend.fetch(
        [
          { topic, partition: 0, offset: 2 },
          { topic, partition: 1, offset: 0 },
        ],
        { maxBytes: 1 << 20, maxWaitMs: 0 },
      );
      const byPartition = new Map(fetched.map((p) => [p.partition, p.records.map((r) => text(r.value))]));
      expect(byPartition.get(0)).toEqual(["c"]);
      expect(byPartition.get(1)).toEqual([]);
      const [past] = await backend.fetch([{ topic, partition: 0, offset: 3 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 0,
      });
      expect(past.records).toEqual([]);
      expect(past.highWatermark).toBe(3);
    });

    exactIt?.("keeps a header whose value is null", async () => {
      const topic = await topicWith(1, "null-header");
      await backend.produce(topic, [
        { key: null, value: bytes("v"), headers: [{ key: "empty", value: null }] },
      ]);
      const [partition] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 0,
      });
      expect(partition.records[0].headers).toEqual([{ key: "empty", value: null }]);
    });

    it("respects maxBytes but always returns at least one record", async () => {
      const topic = await topicWith(1, "maxbytes");
      const big = new Uint8Array(4000).fill(7);
      await backend.produce(
        topic,
        Array.from({ length: 5 }, () => ({ key: null, value: big, partition: 0 })),
      );
      const [small] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
        maxBytes: 100,
        maxWaitMs: 0,
      });
      expect(small.records.length).toBeGreaterThanOrEqual(1);
      const [some] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
        maxBytes: 9000,
        maxWaitMs: 0,
      });
      expect(some.records.length).toBeGreaterThanOrEqual(1);
      expect(some.records.length).toBeLessThan(5);
    });

    it("returns no records at the end of a partition after waiting", async () => {
      const topic = await topicWith(1, "empty");
      const [partition] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 200,
      });
      expect(partition.records).toEqual([]);
      expect(partition.highWatermark).toBe(0);
    });

    it("answers a waiting fetch as soon as a record arrives", async () => {
      const topic = await topicWith(1, "wait");
      const fetching = backend.fetch([{ topic, partition: 0, offset: 0 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 15_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await backend.produce(topic, [{ key: null, value: bytes("late"), partition: 0 }]);
      const [partition] = await fetching;
      expect(partition.records.map((r) => text(r.value))).toEqual(["late"]);
    });

    it("finds the first offset at or after a timestamp, and none past the last record", async () => {
      const topic = await topicWith(1, "times");
      await backend.produce(topic, [
        { key: null, value: bytes("a"), timestamp: 1_000_000, partition: 0 },
        { key: null, value: bytes("b"), timestamp: 2_000_000, partition: 0 },
        { key: null, value: bytes("c"), timestamp: 3_000_000, partition: 0 },
      ]);
      const [between, after] = await backend.offsetsForTimes([
        { topic, partition: 0, timestamp: 1_500_000 },
        { topic, partition: 0, timestamp: 9_000_000 },
      ]);
      expect(between).toMatchObject({ topic, partition: 0, offset: 1, timestamp: 2_000_000 });
      expect(after.offset).toBeNull();
    });

    exactIt?.(
      "commits offsets per group and reads them back; uncommitted partitions are left out",
      async () => {
        const topic = await topicWith(2, "commit");
        const group = `contract-group-${run}-${counter++}`;
        await backend.commitOffsets(group, [{ topic, partition: 0, offset: 5, metadata: "m" }]);
        const committed = await backend.committedOffsets(group, [
          { topic, partition: 0 },
          { topic, partition: 1 },
        ]);
        expect(committed).toEqual([{ topic, partition: 0, offset: 5, metadata: "m" }]);

        await backend.commitOffsets(group, [{ topic, partition: 0, offset: 9 }]);
        const [again] = await backend.committedOffsets(group, [{ topic, partition: 0 }]);
        expect(again.offset).toBe(9);
        expect(await backend.committedOffsets(`${group}-other`, [{ topic, partition: 0 }])).toEqual([]);
      },
    );
  });
}
