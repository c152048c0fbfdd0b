/**
 * @module Group-less reads for the kafkajs backend: a sessionless Fetch per partition leader at the
 * exact offsets asked for. Kafka answers with whole record batches, so records below the requested
 * offset come back too and are dropped here, as are transaction markers (control records) and the
 * records of aborted transactions (the broker lists those; reads are READ_COMMITTED).
 */
import { partitionNotFound, topicNotFound } from "../errors.ts";
import type { ClusterClient, TopicInfo } from "./kafkajs-cluster.ts";
import { withRetries } from "./kafkajs-cluster.ts";
import { fromErrorCode, isStaleRouting, routingError } from "./kafkajs-errors.ts";
import { listOffsetsAt, uniqueRounds } from "./kafkajs-offsets.ts";
import {
  type BrokerConnection,
  type DecodedFetchPartition,
  type DecodedRecord,
  EARLIEST_TIMESTAMP,
  errorType,
  LATEST_TIMESTAMP,
  LEADER_NOT_AVAILABLE,
  NONE,
  READ_UNCOMMITTED,
  UNKNOWN_SERVER_ERROR,
} from "./kafkajs-protocol.ts";
import type { FetchedPartition, FetchOptions, FetchPosition, KafkaRecord, RecordHeader } from "./types.ts";

export interface FetchSettings {
  retries: number;
  retryBackoffMs: number;
}

/** Broker-side cap of one fetch response; the caller's maxBytes is applied to keys and values after. */
const MAX_WIRE_BYTES = 64 * 1024 * 1024;
const MIN_WIRE_BYTES = 64 * 1024;

const view = (buffer: Uint8Array | null) =>
  buffer === null ? null : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

function headersOf(decoded: DecodedRecord["headers"]): RecordHeader[] {
  const headers: RecordHeader[] = [];
  for (const [key, value] of Object.entries(decoded)) {
    for (const v of Array.isArray(value) ? value : [value]) headers.push({ key, value: view(v) });
  }
  return headers;
}

/** A control record's key is version (int16) then type (int16): 0 ABORT, 1 COMMIT. */
function isAbortMarker(record: DecodedRecord): boolean {
  const key = record.key;
  return key !== null && key.length >= 4 && key[2] === 0 && key[3] === 0;
}

/**
 * The records a READ_COMMITTED consumer sees in one fetched partition, from `fetchOffset` on:
 * no control records, no records of aborted transactions, nothing below the offset asked for.
 */
export function visibleRecords(
  topic: string,
  fetchOffset: number,
  partition: Pick<DecodedFetchPartition, "partition" | "messages" | "abortedTransactions">,
): KafkaRecord[] {
  const aborted = [...(partition.abortedTransactions ?? [])].sort(
    (a, b) => Number(a.firstOffset) - Number(b.firstOffset),
  );
  const abortedProducers = new Set<string>();
  let next = 0;
  const records: KafkaRecord[] = [];
  for (const message of partition.messages) {
    const offset = Number(message.offset);
    // A transaction listed as aborted starts at its first offset and ends at its ABORT marker.
    while (next < aborted.length && offset >= Number(aborted[next].firstOffset)) {
      abortedProducers.add(aborted[next].producerId);
      next++;
    }
    const { producerId, inTransaction } = message.batchContext;
    if (message.isControlRecord) {
      if (isAbortMarker(message)) abortedProducers.delete(producerId);
      continue;
    }
    if (inTransaction && abortedProducers.has(producerId)) continue;
    if (offset < fetchOffset) continue;
    records.push({
      topic,
      partition: partition.partition,
      offset,
      timestamp: Number(message.timestamp),
      key: view(message.key),
      value: view(message.value),
      headers: headersOf(message.headers),
    });
  }
  return records;
}

/** Keeps key + value bytes within `maxBytes` over all partitions, but always returns one record. */
export function applyByteBudget(partitions: FetchedPartition[], maxBytes: number): FetchedPartition[] {
  let budget = maxBytes;
  let first = true;
  return partitions.map((p) => {
    const records: KafkaRecord[] = [];
    for (const record of p.records) {
      const size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
      if (!first && size > budget) break;
      records.push(record);
      budget -= size;
      first = false;
    }
    return { ...p, records };
  });
}

interface Target {
  position: FetchPosition;
  leader: number;
}

/** Partition leaders for the positions; throws 40401/40402 for what does not exist. */
async function resolve(client: ClusterClient, positions: FetchPosition[], fresh: boolean): Promise<Target[]> {
  const infos = new Map<string, TopicInfo>();
  for (const topic of new Set(positions.map((p) => p.topic))) {
    const info = await client.topic(topic, { fresh });
    if (!info) throw topicNotFound(topic);
    infos.set(topic, info);
  }
  return positions.map((position) => {
    const found = infos.get(position.topic)?.partitions.find((p) => p.partition === position.partition);
    if (!found) throw partitionNotFound(position.topic, position.partition);
    return { position, leader: found.leader };
  });
}

async function fetchFromLeader(
  connection: BrokerConnection,
  targets: Target[],
  offsets: Map<Target, number>,
  options: FetchOptions,
  maxWaitMs: number,
): Promise<Map<Target, DecodedFetchPartition>> {
  // Key and value bytes plus the record and batch framing (a few per cent for 1 KiB records): more
  // would be decoded only to be cut by applyByteBudget, less would return fewer records than asked.
  const wireBytes = Math.min(Math.max(Math.ceil(options.maxBytes * 1.1), MIN_WIRE_BYTES), MAX_WIRE_BYTES);
  const byTopic = new Map<string, Target[]>();
  for (const target of targets) {
    const list = byTopic.get(target.position.topic) ?? [];
    list.push(target);
    byTopic.set(target.position.topic, list);
  }
  const response = await connection.fetch({
    maxWaitMs,
    maxBytes: wireBytes,
    topics: [...byTopic].map(([topic, list]) => ({
      topic,
      partitions: list.map((t) => ({
        partition: t.position.partition,
        fetchOffset: String(offsets.get(t)),
        maxBytes: wireBytes,
      })),
    })),
  });
  const answers = new Map<Target, DecodedFetchPartition>();
  for (const target of targets) {
    const answer = response.responses
      .find((r) => r.topicName === target.position.topic)
      ?.partitions.find((p) => p.partition === target.position.partition);
    if (answer) answers.set(target, answer);
  }
  return answers;
}

/** Reads from explicit positions without any group; see KafkaBackend.fetch. */
export async function fetchPositions(
  client: ClusterClient,
  settings: FetchSettings,
  positions: FetchPosition[],
  options: FetchOptions,
): Promise<FetchedPartition[]> {
  const rounds = uniqueRounds(positions);
  if (rounds.length <= 1) return fetchDistinct(client, settings, positions, options);
  // A Fetch request names each partition once: the same partition at two offsets takes two requests.
  const out: FetchedPartition[] = new Array(positions.length);
  for (const [i, round] of rounds.entries()) {
    const fetched = await fetchDistinct(
      client,
      settings,
      round.map((r) => r.item),
      { ...options, maxWaitMs: i === 0 ? options.maxWaitMs : 0 },
    );
    round.forEach((r, j) => {
      out[r.index] = fetched[j];
    });
  }
  return applyByteBudget(out, options.maxBytes);
}

async function fetchDistinct(
  client: ClusterClient,
  settings: FetchSettings,
  positions: FetchPosition[],
  options: FetchOptions,
): Promise<FetchedPartition[]> {
  const results = new Map<number, FetchedPartition>();
  await withRetries(
    async (retry) => {
      const targets = await resolve(client, positions, retry > 0);
      const offsets = new Map(targets.map((t) => [t, Math.max(t.position.offset, 0)]));
      const byLeader = new Map<number, Target[]>();
      for (const target of targets) {
        if (target.leader < 0) throw routingError(LEADER_NOT_AVAILABLE, target.position);
        const list = byLeader.get(target.leader) ?? [];
        list.push(target);
        byLeader.set(target.leader, list);
      }
      await Promise.all(
        [...byLeader].map(async ([leader, group]) => {
          const fetched = await fetchGroup(client, leader, group, offsets, options);
          for (const [target, partition] of fetched) results.set(targets.indexOf(target), partition);
        }),
      );
    },
    {
      retries: settings.retries,
      backoffMs: settings.retryBackoffMs,
      onRetry: () => {
        for (const topic of new Set(positions.map((p) => p.topic))) client.forget(topic);
      },
    },
  );
  const ordered = positions.map((p, i) => results.get(i) ?? { ...p, records: [], highWatermark: 0 });
  return applyByteBudget(
    ordered.map(({ topic, partition, records, highWatermark }) => ({
      topic,
      partition,
      records,
      highWatermark,
    })),
    options.maxBytes,
  );
}

async function fetchGroup(
  client: ClusterClient,
  leader: number,
  group: Target[],
  offsets: Map<Target, number>,
  options: FetchOptions,
): Promise<Map<Target, FetchedPartition>> {
  const read = async (maxWaitMs: number) => {
    if (maxWaitMs <= 0 || options.signal?.aborted) {
      return fetchFromLeader(await client.node(leader), group, offsets, options, 0);
    }
    // A fetch that may wait gets a connection of its own; an abort answers with what is there now.
    const waiting = client.withFetchConnection(leader, (c) =>
      fetchFromLeader(c, group, offsets, options, maxWaitMs),
    );
    const signal = options.signal;
    if (!signal) return waiting;
    let onAbort = () => {};
    const aborted = new Promise<"aborted">((resolve) => {
      onAbort = () => resolve("aborted");
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const first = await Promise.race([waiting, aborted]);
      if (first !== "aborted") return first;
      waiting.catch(() => undefined);
      return read(0);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  };

  let answers = await read(options.maxWaitMs);
  const out = new Map<Target, FetchedPartition>();
  for (let pass = 0; pass < 2; pass++) {
    const outOfRange: Target[] = [];
    for (const target of group) {
      if (out.has(target)) continue;
      const answer = answers.get(target);
      const { topic, partition } = target.position;
      if (!answer) throw routingError(UNKNOWN_SERVER_ERROR, { topic, partition });
      if (answer.errorCode === NONE) {
        out.set(target, {
          topic,
          partition,
          records: visibleRecords(topic, offsets.get(target) ?? 0, answer),
          highWatermark: Number(answer.highWatermark),
        });
      } else if (errorType(answer.errorCode) === "OFFSET_OUT_OF_RANGE" && pass === 0) {
        outOfRange.push(target);
      } else if (isStaleRouting(answer.errorCode)) {
        throw routingError(answer.errorCode, { topic, partition });
      } else {
        throw fromErrorCode(answer.errorCode, { topic, partition });
      }
    }
    if (outOfRange.length === 0) break;
    // Below the log start: read from the log start. At or past the end: nothing to read yet.
    const bounds = await offsetBounds(client, outOfRange);
    const again: Target[] = [];
    for (const target of outOfRange) {
      const { earliest, latest } = bounds.get(target) ?? { earliest: 0, latest: 0 };
      const offset = offsets.get(target) ?? 0;
      if (offset < earliest) {
        offsets.set(target, earliest);
        again.push(target);
      } else {
        const { topic, partition } = target.position;
        out.set(target, { topic, partition, records: [], highWatermark: Math.max(latest, 0) });
      }
    }
    if (again.length === 0) break;
    answers = await fetchFromLeader(await client.node(leader), again, offsets, options, 0);
  }
  return out;
}

async function offsetBounds(
  client: ClusterClient,
  targets: Target[],
): Promise<Map<Target, { earliest: number; latest: number }>> {
  const partitions = targets.map((t) => t.position);
  const [earliest, latest] = await Promise.all([
    listOffsetsAt(
      client,
      partitions.map((p) => ({ ...p, timestamp: EARLIEST_TIMESTAMP })),
      READ_UNCOMMITTED,
    ),
    listOffsetsAt(
      client,
      partitions.map((p) => ({ ...p, timestamp: LATEST_TIMESTAMP })),
      READ_UNCOMMITTED,
    ),
  ]);
  return new Map(targets.map((t, i) => [t, { earliest: earliest[i].offset, latest: latest[i].offset }]));
}
