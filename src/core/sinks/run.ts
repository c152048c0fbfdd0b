import type { TopicPartition } from "../../backends/types.ts";
import { SinkError } from "../../sinks/types.ts";
import { gather, partitionId, rangesOf } from "./batch.ts";
import type { SinkContext } from "./context.ts";
import { deadLetter } from "./dead-letter.ts";
import type { SinkDefinition } from "./definition.ts";
import { deduplicationToken, prepareBatch } from "./prepare.ts";
import {
  acquireLease,
  clearPending,
  type Lease,
  type OffsetRange,
  type PendingBatch,
  readPending,
  releaseLease,
  renewLease,
  writePending,
} from "./state.ts";
import { type RunError, type RunReport, recordRun, toRunError } from "./stats.ts";

/** The partitions of the sink's topics; a topic that does not exist (yet) has none. */
export async function sinkPartitions(
  ctx: SinkContext,
  definition: SinkDefinition,
): Promise<TopicPartition[]> {
  const topics = await Promise.all(definition.topics.map((t) => ctx.backend.describeTopic(t)));
  return topics.flatMap((t) => t?.partitions.map((p) => ({ topic: t.name, partition: p.partition })) ?? []);
}

/** Where the sink reads next in each partition: its group's commit, else the log start. */
export async function startOffsets(
  ctx: SinkContext,
  definition: SinkDefinition,
  partitions: TopicPartition[],
): Promise<Array<TopicPartition & { offset: number; end: number }>> {
  if (partitions.length === 0) return [];
  const [committed, bounds] = await Promise.all([
    ctx.backend.committedOffsets(definition.group, partitions),
    ctx.backend.partitionOffsets(partitions),
  ]);
  const commits = new Map(committed.map((c) => [partitionId(c), c.offset]));
  return bounds.map((b) => ({
    topic: b.topic,
    partition: b.partition,
    // Below the log start (retention deleted records) there is nothing left to read.
    offset: Math.max(commits.get(partitionId(b)) ?? b.beginning, b.beginning),
    end: b.end,
  }));
}

/** The pending batch, minus ranges the group has committed already (the insert then was acknowledged). */
function stillPending(
  pending: PendingBatch | undefined,
  start: Array<TopicPartition & { offset: number }>,
): PendingBatch | undefined {
  if (!pending) return undefined;
  const next = new Map(start.map((s) => [partitionId(s), s.offset]));
  // A partition the sink no longer reads (its topic left the definition) has nothing to retry.
  const ranges = pending.ranges.filter((r) => {
    const offset = next.get(partitionId(r));
    return offset !== undefined && offset <= r.last;
  });
  return ranges.length > 0 ? { ...pending, ranges } : undefined;
}

interface Attempt {
  outcome: RunReport["outcome"];
  records: number;
  rows: number;
  skipped: number;
  ranges: OffsetRange[];
  retry: boolean;
  deduplicated: boolean;
}

async function attempt(
  ctx: SinkContext,
  definition: SinkDefinition,
  lease: { renew(): Promise<boolean> },
  progress: Attempt,
): Promise<void> {
  const { name, group, batch } = definition;
  const start = await startOffsets(ctx, definition, await sinkPartitions(ctx, definition));
  const pending = stillPending(await readPending(ctx.store, name), start);
  const stopAt = pending && new Map(pending.ranges.map((r) => [partitionId(r), r.last]));
  const records = await gather(
    ctx,
    pending ? start.filter((s) => stopAt?.has(partitionId(s))) : start,
    pending
      ? {
          maxRows: Number.POSITIVE_INFINITY,
          maxBytes: Number.POSITIVE_INFINITY,
          deadline: ctx.now() + Math.max(batch.maxWaitMs, 1000),
          stopAt,
        }
      : { maxRows: batch.maxRows, maxBytes: batch.maxBytes, deadline: ctx.now() + batch.maxWaitMs },
  );
  progress.records = records.length;
  progress.retry = pending !== undefined;
  if (pending && records.length === 0) {
    // The records are still in the log (the pending ranges lie past the log start): Kafka did not
    // hand them over this time. Dropping the batch now would let a different range follow it.
    const message = `Sink '${name}' could not re-read its unacknowledged batch from Kafka; retrying later.`;
    throw new SinkError(message, { retriable: true });
  }
  if (records.length === 0) {
    progress.outcome = "idle";
    return;
  }
  const ranges = rangesOf(records);
  progress.ranges = ranges;
  const { rows, broken } = prepareBatch(definition, records);
  const token = pending?.token ?? deduplicationToken(name, ranges);
  if (!pending) await writePending(ctx.store, name, { ranges, token, since: ctx.now() });
  if (definition.deadLetterTopic) await deadLetter(ctx.backend, definition.deadLetterTopic, name, broken);
  if (!(await lease.renew())) {
    const message = `Sink '${name}' lost its lease (the run took longer than SINK_LEASE_MS); nothing was inserted.`;
    throw new SinkError(message, { retriable: true });
  }
  const inserted = await ctx.sink.insert(definition.clickhouse, {
    rows,
    settings: definition.clickhouse.settings,
    deduplicationToken: token,
  });
  await ctx.backend.commitOffsets(
    group,
    ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.last + 1 })),
  );
  await clearPending(ctx.store, name);
  Object.assign(progress, {
    outcome: "inserted",
    rows: rows.length,
    skipped: broken.length,
    deduplicated: inserted.deduplicated,
  });
}

/**
 * One run of a sink: under the sink's lease, read from the group's committed offsets up to the
 * batch limits, insert the rows with one INSERT, and commit only after the server acknowledged
 * it. A batch that was sent but not committed is re-sent unchanged (same ranges, same
 * deduplication token) before anything new. Never throws: the report says what happened, and
 * the sink's stats record it.
 */
export async function runSink(ctx: SinkContext, definition: SinkDefinition): Promise<RunReport> {
  const startedAt = ctx.now();
  const progress: Attempt = {
    outcome: "failed",
    records: 0,
    rows: 0,
    skipped: 0,
    ranges: [],
    retry: false,
    deduplicated: false,
  };
  const owner = crypto.randomUUID();
  let lease: Lease | undefined;
  let error: RunError | undefined;
  try {
    lease = await acquireLease(ctx.store, definition.name, owner, ctx.leaseMs);
    if (!lease) {
      return {
        sink: definition.name,
        ...progress,
        outcome: "busy",
        startedAt,
        durationMs: ctx.now() - startedAt,
      };
    }
    const held = lease;
    await attempt(
      ctx,
      definition,
      { renew: () => renewLease(ctx.store, held, owner, ctx.leaseMs) },
      progress,
    );
  } catch (caught) {
    error = toRunError(caught);
  } finally {
    if (lease) await releaseLease(ctx.store, lease).catch(() => undefined);
  }
  const report: RunReport = {
    sink: definition.name,
    ...progress,
    ...(error ? { outcome: "failed", rows: 0, skipped: 0, error } : {}),
    startedAt,
    durationMs: ctx.now() - startedAt,
  };
  await recordRun(ctx.store, report).catch(() => undefined);
  return report;
}

/** Runs every sink fed by polling (not the Lambda-event ones), all at once. */
export function runSinks(ctx: SinkContext, definitions: SinkDefinition[]): Promise<RunReport[]> {
  return Promise.all(definitions.filter((d) => d.source === "poll").map((d) => runSink(ctx, d)));
}
