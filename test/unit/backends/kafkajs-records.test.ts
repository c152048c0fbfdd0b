import { describe, expect, it } from "vitest";
import type { TopicInfo } from "../../../src/backends/kafkajs-cluster.ts";
import { applyByteBudget, visibleRecords } from "../../../src/backends/kafkajs-fetch.ts";
import { uniqueRounds } from "../../../src/backends/kafkajs-offsets.ts";
import { assignPartitions, chunkBySize, estimateRecordSize } from "../../../src/backends/kafkajs-produce.ts";
import type { DecodedRecord } from "../../../src/backends/kafkajs-protocol.ts";
import type { FetchedPartition } from "../../../src/backends/types.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));

function record(
  offset: number,
  value: string | null,
  batch: { producerId?: string; inTransaction?: boolean; control?: "abort" | "commit" } = {},
): DecodedRecord {
  const control = batch.control !== undefined;
  return {
    offset: String(offset),
    timestamp: String(1_700_000_000_000 + offset),
    key: control ? Buffer.from([0, 0, 0, batch.control === "commit" ? 1 : 0]) : null,
    value: value === null ? null : Buffer.from(value),
    headers: {},
    isControlRecord: control,
    batchContext: {
      producerId: batch.producerId ?? "-1",
      inTransaction: batch.inTransaction ?? control,
      isControlBatch: control,
    },
  };
}

describe("visibleRecords (what a READ_COMMITTED fetch returns)", () => {
  it("drops records below the requested offset: Kafka answers with whole batches", () => {
    const messages = [record(5, "a"), record(6, "b"), record(7, "c")];
    const records = visibleRecords("t", 6, { partition: 2, messages, abortedTransactions: [] });
    expect(records.map((r) => [r.offset, text(r.value)])).toEqual([
      [6, "b"],
      [7, "c"],
    ]);
    expect(records[0]).toMatchObject({ topic: "t", partition: 2, timestamp: 1_700_000_000_006 });
  });

  it("drops transaction markers and the records of aborted transactions only", () => {
    const tx = (producerId: string) => ({ producerId, inTransaction: true });
    const messages = [
      record(0, "plain"),
      record(1, "aborted-1", tx("7")),
      record(2, "committed-1", tx("8")),
      record(3, "aborted-2", tx("7")),
      record(4, null, { producerId: "7", control: "abort" }),
      record(5, null, { producerId: "8", control: "commit" }),
      // The same producer again, after its abort: a new transaction, not aborted.
      record(6, "later", tx("7")),
      record(7, null, { producerId: "7", control: "commit" }),
    ];
    const records = visibleRecords("t", 0, {
      partition: 0,
      messages,
      abortedTransactions: [{ producerId: "7", firstOffset: "1" }],
    });
    expect(records.map((r) => text(r.value))).toEqual(["plain", "committed-1", "later"]);
  });

  it("tracks aborted transactions that started before the requested offset", () => {
    const tx = { producerId: "9", inTransaction: true };
    const messages = [
      record(10, "x", tx),
      record(11, "y", tx),
      record(12, null, { producerId: "9", control: "abort" }),
    ];
    const records = visibleRecords("t", 11, {
      partition: 0,
      messages,
      abortedTransactions: [{ producerId: "9", firstOffset: "10" }],
    });
    expect(records).toEqual([]);
  });

  it("keeps headers, repeated keys included, and null values", () => {
    const message = { ...record(0, "v"), headers: { a: [Buffer.from("1"), null], b: Buffer.from("2") } };
    const [r] = visibleRecords("t", 0, { partition: 0, messages: [message] });
    expect(r.headers.map((h) => [h.key, text(h.value)])).toEqual([
      ["a", "1"],
      ["a", null],
      ["b", "2"],
    ]);
  });
});

describe("applyByteBudget", () => {
  const partition = (p: number, sizes: number[]): FetchedPartition => ({
    topic: "t",
    partition: p,
    highWatermark: sizes.length,
    records: sizes.map((size, offset) => ({
      topic: "t",
      partition: p,
      offset,
      timestamp: 0,
      key: null,
      value: new Uint8Array(size),
      headers: [],
    })),
  });

  it("stops at maxBytes over all partitions but always returns the first record", () => {
    const [a, b] = applyByteBudget([partition(0, [60, 30, 30]), partition(1, [20])], 100);
    expect(a.records.map((r) => r.offset)).toEqual([0, 1]);
    expect(b.records).toEqual([]);
    const [big] = applyByteBudget([partition(0, [500, 1])], 100);
    expect(big.records).toHaveLength(1);
  });
});

describe("produce planning", () => {
  const topic = (leaders: number[]): TopicInfo => ({
    name: "t",
    internal: false,
    partitions: leaders.map((leader, partition) => ({ partition, leader, replicas: [1], isr: [1] })),
  });

  it("places keyed records like the Java client and lets an explicit partition win", () => {
    const info = topic([1, 1, 1]);
    const keys = ["foobar", "21", "abc", "a-little-bit-long-string", "a-little-bit-longer-string"];
    const partitions = assignPartitions(
      info,
      [
        ...keys.map((k) => ({ key: bytes(k), value: null })),
        { key: bytes("foobar"), value: null, partition: 2 },
      ],
      () => 0,
    );
    expect(partitions).toEqual([0, 0, 0, 2, 2, 2]);
  });

  it("hashes over all partitions but spreads keyless records over partitions with a leader", () => {
    const info = topic([1, -1, 1, 1, 1, 1]);
    let counter = 0;
    const keyless = assignPartitions(
      info,
      Array.from({ length: 10 }, () => ({ key: null, value: null })),
      () => counter++,
    );
    expect(keyless).not.toContain(1);
    expect(new Set(keyless).size).toBe(5);
    // "a-little-bit-longer-string" hashes to 5 of 6 even though partition 1 has no leader.
    expect(
      assignPartitions(info, [{ key: bytes("a-little-bit-longer-string"), value: null }], () => 0),
    ).toEqual([5]);
  });

  it("chunks records into batches under the size limit, each with at least one record", () => {
    const sizes = [40, 40, 40, 200, 10];
    expect(chunkBySize([0, 1, 2, 3, 4], (i) => sizes[i], 100)).toEqual([[0, 1], [2], [3], [4]]);
    expect(chunkBySize([], () => 1, 100)).toEqual([]);
  });

  it("estimates a record's size from key, value and headers", () => {
    const small = estimateRecordSize({ key: null, value: null });
    const large = estimateRecordSize({
      key: new Uint8Array(10),
      value: new Uint8Array(100),
      headers: [{ key: "h", value: new Uint8Array(5) }],
    });
    expect(large - small).toBeGreaterThanOrEqual(115);
  });
});

describe("uniqueRounds", () => {
  it("never puts the same topic-partition twice in one request", () => {
    const items = [
      { topic: "a", partition: 0 },
      { topic: "a", partition: 0 },
      { topic: "a", partition: 1 },
      { topic: "b", partition: 0 },
      { topic: "a", partition: 0 },
    ];
    const rounds = uniqueRounds(items).map((round) => round.map((r) => r.index));
    expect(rounds).toEqual([[0, 2, 3], [1], [4]]);
  });
});
