import type { KafkaRecord, TopicPartition } from "../../backends/types.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { encodeBase64 } from "../../utils/base64.ts";
import { type EmbeddedFormat, fromBytes } from "../records.ts";
import type { ConsumerContext } from "./context.ts";
import { rebalance } from "./group.ts";
import { type ConsumerInstance, partitionKey } from "./model.ts";
import { commitPositions, initialPositions } from "./offsets.ts";
import { loadInstance, saveInstance } from "./store.ts";

export interface ReadRequest {
  /** From the query; can only shorten the instance's wait. Undefined or ≤ 0: the instance's. */
  timeoutMs?: number;
  /** From the query; can only lower the proxy's cap. */
  maxBytes?: number;
  /** The format the client's Accept asks for; undefined when it names none. */
  format?: EmbeddedFormat;
  signal?: AbortSignal;
}

export interface ReadRecord {
  topic: string;
  key: unknown;
  value: unknown;
  partition: number;
  offset: number;
  timestamp: number;
  headers: Array<{ key: string; value: string | null }>;
}

export interface ReadResult {
  format: EmbeddedFormat;
  records: ReadRecord[];
}

/** Reads that lost their compare-and-set this often give up with a retriable error. */
const MAX_ATTEMPTS = 50;

const size = (r: KafkaRecord) => (r.key?.length ?? 0) + (r.value?.length ?? 0);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

function convert(format: EmbeddedFormat, record: KafkaRecord): ReadRecord {
  return {
    topic: record.topic,
    key: fromBytes(format, record.key),
    value: fromBytes(format, record.value),
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    headers: record.headers.map((h) => ({
      key: h.key,
      value: h.value === null ? null : encodeBase64(h.value),
    })),
  };
}

/**
 * Converts records in order and stops before the first that cannot be read in this format, so a
 * poison record is never skipped silently: it stays at the head, as on Confluent, until the client
 * seeks past it. Fails only when that record is the very first.
 */
function convertUpTo(
  format: EmbeddedFormat,
  records: KafkaRecord[],
): { converted: ReadRecord[]; taken: KafkaRecord[] } {
  const converted: ReadRecord[] = [];
  for (const record of records) {
    try {
      converted.push(convert(format, record));
    } catch (error) {
      if (converted.length === 0) throw error;
      break;
    }
  }
  return { converted, taken: records.slice(0, converted.length) };
}

/** Reads available records at the positions; advances the positions in `instance` by what it took. */
async function gather(
  ctx: ConsumerContext,
  instance: ConsumerInstance,
  partitions: TopicPartition[],
  limits: { minBytes: number; maxBytes: number; deadline: number; signal?: AbortSignal },
): Promise<KafkaRecord[]> {
  const taken: KafkaRecord[] = [];
  let bytes = 0;
  for (;;) {
    const remaining = Math.max(0, limits.deadline - ctx.now());
    const fetched = await ctx.backend.fetch(
      partitions.map((tp) => ({ ...tp, offset: instance.positions[partitionKey(tp)] })),
      { maxBytes: Math.max(1, limits.maxBytes - bytes), maxWaitMs: remaining, signal: limits.signal },
    );
    for (const partition of fetched) {
      const key = partitionKey(partition);
      for (const record of partition.records) {
        // Kafka may hand back records below the asked offset (whole batches); they were read before.
        if (record.offset < instance.positions[key]) continue;
        if (taken.length > 0 && bytes + size(record) > limits.maxBytes) return taken;
        taken.push(record);
        bytes += size(record);
        instance.positions[key] = record.offset + 1;
      }
    }
    const done =
      bytes >= Math.max(1, limits.minBytes) || ctx.now() >= limits.deadline || limits.signal?.aborted;
    if (done) return taken;
  }
}

/**
 * One records read of one instance. The instance's state is read once and written once with
 * compare-and-set; when another request changed the instance meanwhile (a concurrent read, a seek,
 * a rebalance) the records are dropped and the read starts again from the new state, so two reads
 * never return the same records.
 */
export async function readRecords(
  ctx: ConsumerContext,
  group: string,
  name: string,
  request: ReadRequest,
): Promise<ReadResult> {
  const started = ctx.now();
  let wait = ctx.options.requestTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    const { instance, version } = await loadInstance(ctx, group, name);
    const { settings } = instance;
    if (request.format && request.format !== settings.format) {
      throw new ProxyError(
        ErrorCode.CONSUMER_FORMAT_MISMATCH,
        "The requested embedded data format does not match the deserializer for this consumer instance",
      );
    }
    if (attempt === 0) {
      wait = settings.requestTimeoutMs ?? ctx.options.requestTimeoutMs;
      if (request.timeoutMs !== undefined && request.timeoutMs > 0) wait = Math.min(wait, request.timeoutMs);
    }
    const deadline = started + wait;
    const stale = ctx.now() - instance.assignedAt >= ctx.options.assignmentRefreshMs;
    if (instance.subscription && (stale || instance.assigned.length === 0)) {
      // Members may have expired, or topics appeared, since the share was computed: look again.
      // A member with nothing to read looks every time; it has nothing better to do.
      const before = version;
      await rebalance(ctx, group);
      const after = await loadInstance(ctx, group, name);
      if (after.version !== before) continue;
      instance.assignedAt = ctx.now();
    }
    if (settings.autoCommit) await commitPositions(ctx, instance);
    const partitions = instance.assigned;
    await initialPositions(
      ctx,
      instance,
      partitions.filter((tp) => instance.positions[partitionKey(tp)] === undefined),
    );
    let converted: ReadRecord[] = [];
    if (partitions.length === 0) {
      // Nothing to read yet (no subscription, or its topics have no partitions): wait it out once.
      await sleep(Math.max(0, deadline - ctx.now()), request.signal);
    } else {
      const requested =
        request.maxBytes && request.maxBytes > 0 ? request.maxBytes : Number.POSITIVE_INFINITY;
      const before = { ...instance.positions };
      const records = await gather(ctx, instance, partitions, {
        minBytes: settings.fetchMinBytes,
        maxBytes: Math.min(requested, ctx.options.maxBytes),
        deadline,
        signal: request.signal,
      });
      const result = convertUpTo(settings.format, records);
      converted = result.converted;
      if (result.taken.length < records.length) {
        instance.positions = before;
        for (const r of result.taken) instance.positions[partitionKey(r)] = r.offset + 1;
      }
    }
    if (await saveInstance(ctx, instance, version)) return { format: settings.format, records: converted };
    if (attempt >= MAX_ATTEMPTS) {
      throw new ProxyError(
        ErrorCode.KAFKA_RETRIABLE_ERROR,
        "Too many concurrent reads of this consumer instance; retry.",
      );
    }
  }
}
