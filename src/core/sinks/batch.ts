import type { KafkaRecord, TopicPartition } from "../../backends/types.ts";
import type { SinkContext } from "./context.ts";
import type { OffsetRange } from "./state.ts";

export const partitionId = ({ topic, partition }: TopicPartition) => `${topic}:${partition}`;

export interface GatherLimits {
  maxRows: number;
  maxBytes: number;
  /** When to stop waiting for a first record. */
  deadline: number;
  /** Last offset to take per partition (a retried batch); partitions not in it are not read. */
  stopAt?: Map<string, number>;
}

const size = (r: KafkaRecord) => (r.key?.length ?? 0) + (r.value?.length ?? 0);
/** Bytes one fetch asks for at most: the port's limit must be finite. */
const FETCH_CEILING = 64 * 1024 * 1024;
/** Assumed record size before any was seen, to size the first fetch to the rows wanted. */
const FIRST_GUESS_BYTES = 64;

/**
 * Asks for about the bytes the missing rows need (by the average size so far), not the whole
 * byte budget: a fetch decodes everything it gets, and what a run does not take is read again.
 */
function fetchBytes(limits: GatherLimits, taken: number, bytes: number): number {
  const budget = Math.min(limits.maxBytes - bytes, FETCH_CEILING);
  const average = taken > 0 ? bytes / taken : FIRST_GUESS_BYTES;
  const wanted = (limits.maxRows - taken) * average * 1.1;
  return Math.max(1, Math.min(budget, Math.max(wanted, 64 * 1024)));
}

/**
 * Reads records from the start offsets up to the limits. Waits (until the deadline) only for the
 * first record; once it has some, it takes what is available now and returns when the partitions
 * are caught up, so a run never idles with a batch in hand.
 */
export async function gather(
  ctx: SinkContext,
  start: Array<TopicPartition & { offset: number }>,
  limits: GatherLimits,
): Promise<KafkaRecord[]> {
  const positions = new Map(start.map((p) => [partitionId(p), p.offset]));
  const taken: KafkaRecord[] = [];
  let bytes = 0;
  const open = () =>
    start.filter((p) => {
      const stop = limits.stopAt?.get(partitionId(p));
      return stop === undefined ? !limits.stopAt : (positions.get(partitionId(p)) ?? 0) <= stop;
    });
  for (;;) {
    const partitions = open();
    if (partitions.length === 0) return taken;
    const fetched = await ctx.backend.fetch(
      partitions.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        offset: positions.get(partitionId(p)) ?? 0,
      })),
      {
        maxBytes: fetchBytes(limits, taken.length, bytes),
        maxWaitMs: taken.length === 0 ? Math.max(0, limits.deadline - ctx.now()) : 0,
      },
    );
    let progressed = false;
    let caughtUp = true;
    for (const partition of fetched) {
      const id = partitionId(partition);
      const stop = limits.stopAt?.get(id) ?? Number.POSITIVE_INFINITY;
      for (const record of partition.records) {
        const position = positions.get(id) ?? 0;
        // Kafka may return records below the asked offset (whole batches); they are not ours.
        if (record.offset < position) continue;
        if (record.offset > stop) break;
        if (taken.length >= limits.maxRows) return taken;
        if (taken.length > 0 && bytes + size(record) > limits.maxBytes) return taken;
        taken.push(record);
        bytes += size(record);
        positions.set(id, record.offset + 1);
        progressed = true;
      }
      if ((positions.get(id) ?? 0) < Math.min(partition.highWatermark, stop + 1)) caughtUp = false;
    }
    if (taken.length > 0 && (caughtUp || !progressed)) return taken;
    if (taken.length === 0 && ctx.now() >= limits.deadline) return taken;
  }
}

/** First and last offset taken per partition, in topic/partition order. */
export function rangesOf(records: KafkaRecord[]): OffsetRange[] {
  const ranges = new Map<string, OffsetRange>();
  for (const r of records) {
    const id = partitionId(r);
    const range = ranges.get(id);
    if (!range) ranges.set(id, { topic: r.topic, partition: r.partition, first: r.offset, last: r.offset });
    else {
      range.first = Math.min(range.first, r.offset);
      range.last = Math.max(range.last, r.offset);
    }
  }
  return [...ranges.values()].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );
}
