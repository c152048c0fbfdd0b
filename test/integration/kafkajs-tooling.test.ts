/**
 * Cross-checks of the kafka backend with Kafka's own Java tools (the broker's jars): keyed records
 * land where the Java producer puts them, and offsets committed through the backend are the group
 * offsets Kafka's ConsumerGroupCommand shows (and the other way round).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkajsBackend } from "../../src/backends/kafkajs.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { runKafkaClass } from "./kafka-broker.ts";

const bootstrap = inject("kafkaBrokers");
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));
const bytes = (value: string) => new TextEncoder().encode(value);

interface GroupRow {
  topic: string;
  partition: number;
  currentOffset: string;
}

/** The offset table of `ConsumerGroupCommand --describe`. */
function parseDescribe(output: string, group: string): GroupRow[] {
  return output
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[0] === group && cols.length >= 4)
    .map((cols) => ({ topic: cols[1], partition: Number(cols[2]), currentOffset: cols[3] }));
}

describe("kafka backend cross-checked with Kafka's Java tools", () => {
  let backend: KafkaBackend;

  beforeAll(() => {
    backend = createKafkajsBackend({ brokers: bootstrap.split(","), clientId: "kep-tooling" });
  });
  afterAll(async () => {
    await backend.close();
  });

  it("puts keyed records on the partition Kafka's ConsoleProducer (the Java client) chose", async () => {
    const topic = `tooling-keys-${run}`;
    // 7 partitions: not a power of two, so a sign error in the hash would show.
    await backend.createTopic({ topic, partitions: 7 });
    const keys = [
      ...Array.from({ length: 150 }, (_, i) => `key-${i}-${(i * 7919).toString(36)}`),
      "foobar",
      "21",
      "a-little-bit-longer-string",
      "ключ-юникод",
      "鍵-キー",
      "emoji-🙂",
      "x".repeat(300),
    ];
    const lines = keys.map((key, i) => `${key}\t${i}`).join("\n");
    await runKafkaClass(
      "kafka.tools.ConsoleProducer",
      [
        "--bootstrap-server",
        bootstrap,
        "--topic",
        topic,
        "--property",
        "parse.key=true",
        "--property",
        "key.separator=\t",
      ],
      `${lines}\n`,
    );

    // Where the Java producer put each key, read back through the backend.
    const javaPartition = new Map<string, number>();
    const positions = Array.from({ length: 7 }, (_, partition) => ({ topic, partition, offset: 0 }));
    const fetched = await backend.fetch(positions, { maxBytes: 16 << 20, maxWaitMs: 0 });
    for (const partition of fetched) {
      for (const record of partition.records) javaPartition.set(text(record.key) ?? "", record.partition);
    }
    expect(javaPartition.size).toBe(keys.length);
    expect(new Set(javaPartition.values()).size).toBe(7);

    const results = await backend.produce(
      topic,
      keys.map((key) => ({ key: bytes(key), value: bytes("from the proxy") })),
    );
    const mismatches = keys.filter((key, i) => {
      const result = results[i];
      return !result.ok || result.partition !== javaPartition.get(key);
    });
    expect(mismatches).toEqual([]);
  });

  it("commits offsets that ConsumerGroupCommand shows for the group, and reads offsets it resets", async () => {
    const topic = `tooling-offsets-${run}`;
    const group = `tooling-group-${run}`;
    await backend.createTopic({ topic, partitions: 2 });
    await backend.produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: null, value: bytes(String(i)), partition: i % 2 })),
    );
    await backend.commitOffsets(group, [
      { topic, partition: 0, offset: 3 },
      { topic, partition: 1, offset: 5 },
    ]);

    const describe = await runKafkaClass("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", [
      "--bootstrap-server",
      bootstrap,
      "--describe",
      "--group",
      group,
    ]);
    expect(parseDescribe(describe, group).sort((a, b) => a.partition - b.partition)).toEqual([
      { topic, partition: 0, currentOffset: "3" },
      { topic, partition: 1, currentOffset: "5" },
    ]);

    // The other way: Kafka's tool moves the group, the backend reads the new offsets.
    await runKafkaClass("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", [
      "--bootstrap-server",
      bootstrap,
      "--reset-offsets",
      "--group",
      group,
      "--topic",
      `${topic}:0`,
      "--to-offset",
      "1",
      "--execute",
    ]);
    expect(
      await backend.committedOffsets(group, [
        { topic, partition: 0 },
        { topic, partition: 1 },
      ]),
    ).toEqual([
      { topic, partition: 0, offset: 1, metadata: "" },
      { topic, partition: 1, offset: 5, metadata: "" },
    ]);
  });
});
