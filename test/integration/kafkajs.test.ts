import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createKafkajsBackend, type KafkajsBackendOptions } from "../../src/backends/kafkajs.ts";
import type { KafkaBackend, ProduceResult } from "../../src/backends/types.ts";
import { describeKafkaBackend } from "../contract/kafka-backend.ts";
import { rejection } from "../helpers/errors.ts";

const brokers = inject("kafkaBrokers").split(",");

describeKafkaBackend("kafka", async () => {
  const backend = createKafkajsBackend({ brokers, clientId: "kep-contract" });
  return { backend, close: () => backend.close() };
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;
const topicName = (label: string) => `kafka-${label}-${run}-${counter++}`;

function offsetsOf(results: ProduceResult[]) {
  return results.map((r) => (r.ok ? [r.partition, r.offset] : r.error.kind));
}

describe("kafka backend against a real broker", () => {
  const opened: KafkaBackend[] = [];
  const open = (options: Partial<KafkajsBackendOptions> = {}) => {
    const backend = createKafkajsBackend({ brokers, clientId: "kep-integration", ...options });
    opened.push(backend);
    return backend;
  };
  let backend: KafkaBackend;
  let kafka: InstanceType<typeof kafkajs.Kafka>;

  beforeAll(() => {
    backend = open();
    kafka = new kafkajs.Kafka({ brokers, clientId: "kep-test-helper", logLevel: kafkajs.logLevel.NOTHING });
  });
  afterAll(async () => {
    await Promise.all(opened.map((b) => b.close()));
  });

  it("serves many concurrent first requests on a fresh backend (connections still negotiating)", async () => {
    const topic = topicName("cold");
    await backend.createTopic({ topic, partitions: 3 });
    const cold = open();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => cold.produce(topic, [{ key: null, value: bytes(String(i)) }])),
    );
    expect(results.flat().every((r) => r.ok)).toBe(true);
    const fresh = open();
    const reads = await Promise.all(
      [0, 1, 2, 0, 1, 2].map((partition) =>
        fresh.fetch([{ topic, partition, offset: 0 }], { maxBytes: 1 << 20, maxWaitMs: 0 }),
      ),
    );
    expect(reads.slice(0, 3).reduce((n, [p]) => n + p.records.length, 0)).toBe(20);
  });

  it("answers 40401 quickly for a missing topic when auto-creation is off in the proxy", async () => {
    const strict = open({ allowAutoTopicCreation: false });
    const topic = topicName("absent");
    const started = Date.now();
    expect((await rejection(strict.produce(topic, [{ key: null, value: bytes("x") }]))).code).toBe(40401);
    // kafkajs's own producer waits for metadata up to its retry budget; this must not.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await strict.describeTopic(topic)).toBeUndefined();
    expect(
      (await rejection(strict.fetch([{ topic, partition: 0, offset: 0 }], { maxBytes: 100, maxWaitMs: 0 })))
        .code,
    ).toBe(40401);
    expect((await rejection(strict.partitionOffsets([{ topic, partition: 0 }]))).code).toBe(40401);
    expect(await strict.listTopics()).not.toContain(topic);
  });

  it("lets the broker auto-create a topic on produce, with the broker's partition count", async () => {
    const topic = topicName("auto");
    const [result] = await backend.produce(topic, [{ key: null, value: bytes("first") }]);
    expect(result).toMatchObject({ ok: true, partition: 0, offset: 0 });
    expect((await backend.describeTopic(topic))?.partitions).toHaveLength(1);
  });

  it("answers 40402 for a partition that does not exist in fetch, offsets and commits", async () => {
    const topic = topicName("nopart");
    await backend.createTopic({ topic, partitions: 2 });
    const position = { topic, partition: 5 };
    expect(
      (await rejection(backend.fetch([{ ...position, offset: 0 }], { maxBytes: 1, maxWaitMs: 0 }))).code,
    ).toBe(40402);
    expect((await rejection(backend.partitionOffsets([position]))).code).toBe(40402);
    expect((await rejection(backend.commitOffsets(`g-${run}`, [{ ...position, offset: 1 }]))).code).toBe(
      40402,
    );
  });

  it("fails only the record above max.message.bytes, and splits batches the broker finds too large", async () => {
    const topic = topicName("large");
    await backend.createTopic({ topic, partitions: 1, configs: { "max.message.bytes": "3000" } });
    const big = new Uint8Array(5000).fill(1);
    const results = await backend.produce(topic, [
      { key: null, value: bytes("small") },
      { key: null, value: big },
      { key: null, value: bytes("after") },
    ]);
    expect(results[0]).toMatchObject({ ok: true, offset: 0 });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: "too-large", retriable: false } });
    expect(results[2]).toMatchObject({ ok: true, offset: 1 });

    // 20 records of 1000 bytes: each fits, one batch of all of them does not.
    const many = Array.from({ length: 20 }, (_, i) => ({ key: null, value: new Uint8Array(1000).fill(i) }));
    const split = await backend.produce(topic, many);
    expect(split.every((r) => r.ok)).toBe(true);
    expect(offsetsOf(split)).toEqual(Array.from({ length: 20 }, (_, i) => [0, 2 + i]));
    const [read] = await backend.fetch([{ topic, partition: 0, offset: 2 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(read.records.map((r) => r.value?.[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("produces with gzip and with acks=1, and reads the records back", async () => {
    const topic = topicName("gzip");
    await backend.createTopic({ topic, partitions: 1 });
    const gzip = open({ compression: "gzip", acks: 1 });
    const value = bytes("compressible ".repeat(200));
    const results = await gzip.produce(topic, [
      { key: bytes("a"), value },
      { key: bytes("b"), value, headers: [{ key: "h", value: null }] },
    ]);
    expect(offsetsOf(results)).toEqual([
      [0, 0],
      [0, 1],
    ]);
    const [read] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(read.records.map((r) => text(r.key))).toEqual(["a", "b"]);
    expect(read.records[1].value).toEqual(value);
    expect(read.records[1].headers).toEqual([{ key: "h", value: null }]);
  });

  it("with acks=0 reports records as written without offsets", async () => {
    const topic = topicName("acks0");
    await backend.createTopic({ topic, partitions: 1 });
    const fireAndForget = open({ acks: 0 });
    const [result] = await fireAndForget.produce(topic, [{ key: null, value: bytes("x") }]);
    expect(result).toMatchObject({ ok: true, partition: 0, offset: -1 });
    await expect
      .poll(async () => (await backend.partitionOffsets([{ topic, partition: 0 }]))[0].end, {
        timeout: 10_000,
      })
      .toBe(1);
  });

  it("drops control records and aborted transactional records, and keeps committed ones", async () => {
    const topic = topicName("txn");
    await backend.createTopic({ topic, partitions: 1 });
    const producer = kafka.producer({
      transactionalId: `kep-tx-${run}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: "plain-0" }] });
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: "aborted-1" }, { value: "aborted-2" }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: "committed-1" }, { value: "committed-2" }] });
      await committed.commit();
      await producer.send({ topic, messages: [{ value: "plain-1" }] });
    } finally {
      await producer.disconnect();
    }
    // The coordinator writes the COMMIT marker after commit() returns; until then a read-committed
    // fetch stops at the last stable offset. Wait (bounded) for the partition to become stable.
    const all = await vi.waitFor(
      async () => {
        const [fetched] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
          maxBytes: 1 << 20,
          maxWaitMs: 0,
        });
        expect(fetched.records.map((r) => text(r.value))).toEqual([
          "plain-0",
          "committed-1",
          "committed-2",
          "plain-1",
        ]);
        return fetched;
      },
      { timeout: 10_000, interval: 100 },
    );
    // Offsets 1-2 aborted, 3 the ABORT marker, 4-5 committed; the COMMIT marker is written by the
    // transaction coordinator after commit() returns, so it lands just before or after plain-1.
    const offsets = all.records.map((r) => r.offset);
    expect(offsets.slice(0, 3)).toEqual([0, 4, 5]);
    expect([6, 7]).toContain(offsets[3]);
    expect(all.highWatermark).toBe(8);
    const [middle] = await backend.fetch([{ topic, partition: 0, offset: 5 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(middle.records.map((r) => text(r.value))).toEqual(["committed-2", "plain-1"]);
  });

  it("reads from the log start when asked below it, and nothing when asked past the end", async () => {
    const topic = topicName("range");
    await backend.createTopic({ topic, partitions: 1 });
    await backend.produce(
      topic,
      ["a", "b", "c", "d"].map((v) => ({ key: null, value: bytes(v) })),
    );
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "2" }] });
    } finally {
      await admin.disconnect();
    }
    expect(await backend.partitionOffsets([{ topic, partition: 0 }])).toEqual([
      { topic, partition: 0, beginning: 2, end: 4 },
    ]);
    const [below] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(below.records.map((r) => [r.offset, text(r.value)])).toEqual([
      [2, "c"],
      [3, "d"],
    ]);
    const [past] = await backend.fetch([{ topic, partition: 0, offset: 100 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(past).toMatchObject({ records: [], highWatermark: 4 });
  });

  it("fetches the same partition at two offsets in one call", async () => {
    const topic = topicName("twice");
    await backend.createTopic({ topic, partitions: 1 });
    await backend.produce(
      topic,
      ["a", "b", "c"].map((v) => ({ key: null, value: bytes(v) })),
    );
    const [first, second] = await backend.fetch(
      [
        { topic, partition: 0, offset: 0 },
        { topic, partition: 0, offset: 2 },
      ],
      { maxBytes: 1 << 20, maxWaitMs: 0 },
    );
    expect(first.records.map((r) => text(r.value))).toEqual(["a", "b", "c"]);
    expect(second.records.map((r) => text(r.value))).toEqual(["c"]);
  });

  it("does not hold a fetch up behind another fetch that is still waiting", async () => {
    const idle = topicName("idle");
    const busy = topicName("busy");
    await backend.createTopic({ topic: idle, partitions: 1 });
    await backend.createTopic({ topic: busy, partitions: 1 });
    let idleDone = false;
    const stopWaiting = new AbortController();
    const waiting = backend
      .fetch([{ topic: idle, partition: 0, offset: 0 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 20_000,
        signal: stopWaiting.signal,
      })
      .finally(() => {
        idleDone = true;
      });
    const second = backend.fetch([{ topic: busy, partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await backend.produce(busy, [{ key: null, value: bytes("now") }]);
    const [partition] = await second;
    expect(partition.records.map((r) => text(r.value))).toEqual(["now"]);
    expect(idleDone).toBe(false);
    stopWaiting.abort();
    expect((await waiting)[0].records).toEqual([]);
  });

  it("ends a waiting fetch when its signal aborts", async () => {
    const topic = topicName("abort");
    await backend.createTopic({ topic, partitions: 1 });
    const controller = new AbortController();
    const fetching = backend.fetch([{ topic, partition: 0, offset: 0 }], {
      maxBytes: 100,
      maxWaitMs: 30_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const [partition] = await fetching;
    expect(partition).toMatchObject({ records: [], highWatermark: 0 });
  });

  it("refuses to commit for a group with active members (40903) and commits once it is empty", async () => {
    const topic = topicName("busygroup");
    await backend.createTopic({ topic, partitions: 1 });
    const group = `kep-busy-${run}`;
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    let joined: () => void = () => {};
    const isJoined = new Promise<void>((resolve) => {
      joined = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({ eachMessage: async () => {} });
    try {
      await isJoined;
      const error = await rejection(backend.commitOffsets(group, [{ topic, partition: 0, offset: 1 }]));
      expect(error.code).toBe(40903);
    } finally {
      await consumer.disconnect();
    }
    await backend.commitOffsets(group, [{ topic, partition: 0, offset: 1 }]);
    expect(await backend.committedOffsets(group, [{ topic, partition: 0 }])).toEqual([
      { topic, partition: 0, offset: 1, metadata: "" },
    ]);
  });

  it("answers 50003 within seconds when no broker is reachable", async () => {
    const dead = createKafkajsBackend({ brokers: ["127.0.0.1:1"], connectionTimeoutMs: 500, retries: 1 });
    try {
      const started = Date.now();
      const error = await rejection(dead.describeCluster());
      expect(error).toMatchObject({ code: 50003, retriable: true });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await rejection(dead.produce("t", [{ key: null, value: null }]))).code).toBe(50003);
    } finally {
      await dead.close();
    }
  });
});
