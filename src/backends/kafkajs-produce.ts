/**
 * @module Produce for the kafkajs backend: Java-compatible partitioning, record batches per
 * partition, one Produce request per leader and round, and a result per record. Only failures that
 * prove nothing was written (no connection, not the leader, not enough replicas) are retried;
 * anything else becomes a per-record error, so an acknowledged offset is always a real one.
 */
import { partitionNotFound, topicNotFound } from "../errors.ts";
import { partitionForKey } from "../utils/murmur2.ts";
import { invalidTopicNameReason } from "../utils/topic-name.ts";
import type { ClusterClient, TopicInfo } from "./kafkajs-cluster.ts";
import { isRetriable, toRecordError } from "./kafkajs-errors.ts";
import {
  type BrokerConnection,
  type DecodedProduce,
  errorType,
  LEADER_NOT_AVAILABLE,
  NONE,
  protocolError,
  type RecordToWrite,
  UNKNOWN_SERVER_ERROR,
} from "./kafkajs-protocol.ts";
import type { ProduceRecord, ProduceResult } from "./types.ts";

export interface ProduceSettings {
  acks: -1 | 0 | 1;
  compression: "none" | "gzip";
  /** How long the broker may wait for replicas (acks=all) before answering. */
  timeoutMs: number;
  /** Upper bound on the estimated size of one record batch (Kafka checks max.message.bytes per batch). */
  maxBatchBytes: number;
  retries: number;
  retryBackoffMs: number;
}

/** Broker answers that mean the batch was not appended, so sending it again cannot duplicate it. */
const NOT_WRITTEN = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "NOT_LEADER_FOR_PARTITION",
  "NOT_ENOUGH_REPLICAS",
]);
const TOO_LARGE = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);
const RECORD_OVERHEAD = 24;

/** A rough upper bound of a record's encoded size in a v2 record batch. */
export function estimateRecordSize(record: ProduceRecord): number {
  let size = RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers ?? []) size += 10 + header.key.length * 3 + (header.value?.length ?? 0);
  return size;
}

/** Splits record indexes (in order) into batches of at most `maxBytes`, each with at least one record. */
export function chunkBySize(
  indexes: number[],
  sizeOf: (index: number) => number,
  maxBytes: number,
): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    const size = sizeOf(index);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Chooses partitions like the Java client: explicit, else murmur2 of the key, else round robin. */
export function assignPartitions(
  info: TopicInfo,
  records: ProduceRecord[],
  nextRoundRobin: () => number,
): number[] {
  const count = info.partitions.length;
  const available = info.partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
  const spread = available.length > 0 ? available : info.partitions.map((p) => p.partition);
  return records.map((record) => {
    if (record.partition !== undefined) return record.partition;
    // All partitions, not only available ones: the same formula as BuiltInPartitioner.partitionForKey.
    if (record.key !== null) return partitionForKey(record.key, count);
    return spread[nextRoundRobin() % spread.length];
  });
}

const toBuffer = (bytes: Uint8Array | null) =>
  bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function toWire(record: ProduceRecord, timestamp: number): RecordToWrite {
  const headers = (record.headers ?? []).map(({ key, value }) => ({ key, value: toBuffer(value) }));
  return { key: toBuffer(record.key), value: toBuffer(record.value), timestamp, headers };
}

interface Chunk {
  partition: number;
  indexes: number[];
  retries: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes records to one topic; see KafkaBackend.produce. */
export async function produceToTopic(
  client: ClusterClient,
  settings: ProduceSettings,
  topic: string,
  records: ProduceRecord[],
  nextRoundRobin: () => number,
): Promise<ProduceResult[]> {
  if (invalidTopicNameReason(topic)) throw topicNotFound(topic);
  let info = await client.topic(topic, { autoCreate: true });
  if (!info) throw topicNotFound(topic);
  const exists = (t: TopicInfo, p: number) => t.partitions.some((x) => x.partition === p);
  const explicit = records.flatMap((r) => (r.partition === undefined ? [] : [r.partition]));
  const unknown = explicit.find((p) => !exists(info as TopicInfo, p));
  if (unknown !== undefined) {
    // Partitions may have been added since the metadata was cached.
    info = await client.topic(topic, { fresh: true });
    if (!info) throw topicNotFound(topic);
    const stillUnknown = explicit.find((p) => !exists(info as TopicInfo, p));
    if (stillUnknown !== undefined) throw partitionNotFound(topic, stillUnknown);
  }

  const now = Date.now();
  const wire = records.map((r) => toWire(r, r.timestamp ?? now));
  const partitions = assignPartitions(info, records, nextRoundRobin);
  const results: Array<ProduceResult | undefined> = new Array(records.length);
  const byPartition = new Map<number, number[]>();
  partitions.forEach((p, i) => {
    const list = byPartition.get(p) ?? [];
    list.push(i);
    byPartition.set(p, list);
  });
  const queues = new Map<number, Chunk[]>();
  for (const [partition, indexes] of byPartition) {
    const chunks = chunkBySize(indexes, (i) => estimateRecordSize(records[i]), settings.maxBatchBytes);
    queues.set(
      partition,
      chunks.map((c) => ({ partition, indexes: c, retries: 0 })),
    );
  }

  const fail = (chunk: Chunk, error: unknown) => {
    const recordError = toRecordError(error, { topic, partition: chunk.partition });
    for (const i of chunk.indexes) results[i] = { ok: false, error: recordError };
  };

  let refreshRouting = false;
  while ([...queues.values()].some((q) => q.length > 0)) {
    if (refreshRouting) {
      refreshRouting = false;
      client.forget(topic);
      try {
        info = (await client.topic(topic)) ?? info;
      } catch {
        // Keep the old routing; the next send reports the failure per record.
      }
    }
    const current = info;
    // One round: the first pending batch of every partition, one request per leader.
    const byLeader = new Map<number, Chunk[]>();
    for (const queue of queues.values()) {
      const head = queue[0];
      if (!head) continue;
      const leader = current.partitions.find((p) => p.partition === head.partition)?.leader ?? -1;
      const list = byLeader.get(leader) ?? [];
      list.push(head);
      byLeader.set(leader, list);
    }
    let backoff = false;
    await Promise.all(
      [...byLeader].map(async ([leader, chunks]) => {
        const outcomes = await sendRound(client, settings, topic, leader, chunks, wire);
        chunks.forEach((chunk, c) => {
          const queue = queues.get(chunk.partition) ?? [];
          const outcome = outcomes[c];
          if (outcome.ok) {
            queue.shift();
            chunk.indexes.forEach((recordIndex, i) => {
              const offset = outcome.baseOffset === null ? -1 : outcome.baseOffset + i;
              const timestamp = outcome.logAppendTime ?? wire[recordIndex].timestamp;
              results[recordIndex] = { ok: true, partition: chunk.partition, offset, timestamp };
            });
          } else if (tooLarge(outcome.error) && chunk.indexes.length > 1) {
            // The estimate was off or max.message.bytes is small: halve until the broker accepts.
            const half = Math.ceil(chunk.indexes.length / 2);
            queue.splice(
              0,
              1,
              { partition: chunk.partition, indexes: chunk.indexes.slice(0, half), retries: chunk.retries },
              { partition: chunk.partition, indexes: chunk.indexes.slice(half), retries: chunk.retries },
            );
          } else if (outcome.safeToRetry && chunk.retries < settings.retries && isRetriable(outcome.error)) {
            chunk.retries++;
            refreshRouting = true;
            backoff = true;
          } else {
            // Later batches of the partition are still sent, as the Java producer does.
            queue.shift();
            fail(chunk, outcome.error);
          }
        });
      }),
    );
    if (backoff) await sleep(settings.retryBackoffMs * (0.8 + Math.random() * 0.4));
  }
  return results.map((r) => r ?? { ok: false, error: toRecordError(new Error("record was not sent")) });
}

type ChunkOutcome =
  | { ok: true; baseOffset: number | null; logAppendTime?: number }
  | { ok: false; error: unknown; safeToRetry: boolean };

function tooLarge(error: unknown): boolean {
  const type = (error as { type?: unknown }).type;
  return typeof type === "string" && TOO_LARGE.has(type);
}

/** Sends the given batches (one per partition) to their leader; one outcome per batch, in order. */
async function sendRound(
  client: ClusterClient,
  settings: ProduceSettings,
  topic: string,
  leader: number,
  chunks: Chunk[],
  wire: RecordToWrite[],
): Promise<ChunkOutcome[]> {
  const failAll = (error: unknown, safeToRetry: boolean): ChunkOutcome[] =>
    chunks.map(() => ({ ok: false, error, safeToRetry }));
  if (leader < 0) return failAll(protocolError(LEADER_NOT_AVAILABLE), true);
  let connection: BrokerConnection;
  try {
    connection = await client.node(leader);
    // Connecting separately: a failure here proves the batch was never sent.
    if (!connection.isConnected()) await connection.connect();
  } catch (error) {
    return failAll(error, true);
  }
  let response: DecodedProduce | undefined;
  try {
    response = await connection.produce({
      topic,
      partitions: chunks.map((c) => ({ partition: c.partition, records: c.indexes.map((i) => wire[i]) })),
      acks: settings.acks,
      timeoutMs: settings.timeoutMs,
      compression: settings.compression === "gzip" ? 1 : 0,
    });
  } catch (error) {
    // In flight when the connection failed: it may or may not have been written. Not retried.
    return failAll(error, false);
  }
  if (response === undefined) return chunks.map(() => ({ ok: true, baseOffset: null }));
  const answers = response.topics.find((t) => t.topicName === topic)?.partitions ?? [];
  return chunks.map((chunk): ChunkOutcome => {
    const answer = answers.find((p) => p.partition === chunk.partition);
    if (!answer) return { ok: false, error: protocolError(UNKNOWN_SERVER_ERROR), safeToRetry: false };
    if (answer.errorCode !== NONE) {
      const safeToRetry = NOT_WRITTEN.has(errorType(answer.errorCode));
      return { ok: false, error: protocolError(answer.errorCode), safeToRetry };
    }
    const appendTime = Number(answer.logAppendTime);
    return {
      ok: true,
      baseOffset: Number(answer.baseOffset),
      logAppendTime: appendTime >= 0 ? appendTime : undefined,
    };
  });
}
