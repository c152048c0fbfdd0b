import type { CommitOffset, TopicPartition } from "../../backends/types.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import type { ConsumerContext } from "./context.ts";
import { type ConsumerInstance, fromPartitionKey, partitionKey } from "./model.ts";

/**
 * Commits the instance's positions (the next offsets to read) for the given partition keys, or all
 * of them, and records what was committed. Nothing is sent when nothing moved.
 */
export async function commitPositions(
  ctx: ConsumerContext,
  instance: ConsumerInstance,
  keys: string[] = Object.keys(instance.positions),
): Promise<CommitOffset[]> {
  const offsets = keys
    .filter(
      (key) => instance.positions[key] !== undefined && instance.positions[key] !== instance.committed[key],
    )
    .map((key) => ({ ...fromPartitionKey(key), offset: instance.positions[key] }));
  if (offsets.length === 0) return [];
  await ctx.backend.commitOffsets(instance.group, offsets);
  for (const { topic, partition, offset } of offsets)
    instance.committed[partitionKey({ topic, partition })] = offset;
  return offsets;
}

/**
 * Where reading starts in a partition the instance has no position in yet: the group's committed
 * offset, else auto.offset.reset.
 */
export async function initialPositions(
  ctx: ConsumerContext,
  instance: ConsumerInstance,
  partitions: TopicPartition[],
): Promise<void> {
  if (partitions.length === 0) return;
  const committed = await ctx.backend.committedOffsets(instance.group, partitions);
  const found = new Map(committed.map((c) => [partitionKey(c), c.offset]));
  const missing = partitions.filter((tp) => !found.has(partitionKey(tp)));
  if (missing.length > 0 && instance.settings.autoOffsetReset === "none") {
    const list = missing.map((tp) => `${tp.topic}-${tp.partition}`).join(", ");
    throw new ProxyError(
      ErrorCode.ILLEGAL_STATE,
      `Illegal state: no committed offset for partitions ${list} and auto.offset.reset is none.`,
    );
  }
  const bounds = missing.length > 0 ? await ctx.backend.partitionOffsets(missing) : [];
  for (const b of bounds) {
    found.set(partitionKey(b), instance.settings.autoOffsetReset === "earliest" ? b.beginning : b.end);
  }
  for (const tp of partitions) {
    const key = partitionKey(tp);
    const offset = found.get(key);
    if (offset !== undefined) {
      instance.positions[key] = offset;
      // A position taken from the group's commit needs no commit of its own.
      if (committed.some((c) => partitionKey(c) === key)) instance.committed[key] = offset;
    }
  }
}
