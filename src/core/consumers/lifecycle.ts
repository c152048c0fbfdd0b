import type { CommitOffset, CommittedOffset, TopicPartition } from "../../backends/types.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { stateKeys } from "../../state/types.ts";
import type { ConsumerContext } from "./context.ts";
import { compilePattern, rebalance, revoke } from "./group.ts";
import { byTopicPartition, type ConsumerInstance, partitionKey } from "./model.ts";
import { commitPositions } from "./offsets.ts";
import { type CreateConsumerRequest, parseCreateRequest } from "./settings.ts";
import { instanceNotFound, loadInstance, saveInstance, touchInstance, updateInstance } from "./store.ts";

function illegalState(message: string): ProxyError {
  return new ProxyError(ErrorCode.ILLEGAL_STATE, `Illegal state: ${message}`);
}

const EXCLUSIVE = "Subscription to topics, partitions and pattern are mutually exclusive";

/** Creates an instance; 40902 when the group already has one of that name. */
export async function createConsumer(
  ctx: ConsumerContext,
  group: string,
  request: CreateConsumerRequest,
): Promise<ConsumerInstance> {
  const { name, settings } = parseCreateRequest(request, () => `rest-consumer-${crypto.randomUUID()}`);
  const now = ctx.now();
  const instance: ConsumerInstance = {
    group,
    name,
    settings,
    createdAt: now,
    subscription: null,
    manual: null,
    assigned: [],
    subscribedTopics: [],
    members: [],
    assignedAt: now,
    positions: {},
    committed: {},
    lastSeen: now,
    owner: ctx.principal,
  };
  if (!(await saveInstance(ctx, instance, null))) {
    throw new ProxyError(
      ErrorCode.CONSUMER_ALREADY_EXISTS,
      "Consumer with specified consumer ID already exists in the specified consumer group.",
    );
  }
  return instance;
}

/** Deletes an instance (committing its positions first when it auto-commits) and rebalances its group. */
export async function deleteConsumer(ctx: ConsumerContext, group: string, name: string): Promise<void> {
  const { instance } = await loadInstance(ctx, group, name);
  if (instance.settings.autoCommit) await commitPositions(ctx, instance);
  if (!(await ctx.store.delete(stateKeys.consumer(group, name)))) throw instanceNotFound();
  if (instance.subscription) await rebalance(ctx, group);
}

export async function subscribe(
  ctx: ConsumerContext,
  group: string,
  name: string,
  subscription: { topics: string[] } | { pattern: string },
): Promise<void> {
  if ("pattern" in subscription) compilePattern(subscription.pattern);
  await updateInstance(ctx, group, name, (instance) => {
    if (instance.manual) throw illegalState(EXCLUSIVE);
    instance.subscription =
      "topics" in subscription ? { topics: [...new Set(subscription.topics)] } : subscription;
  });
  await rebalance(ctx, group);
}

export async function unsubscribe(ctx: ConsumerContext, group: string, name: string): Promise<void> {
  await updateInstance(ctx, group, name, async (instance) => {
    await revoke(ctx, instance, []);
    instance.subscription = null;
    instance.manual = null;
    instance.assigned = [];
    instance.subscribedTopics = [];
    instance.members = [];
    delete instance.v1Topic;
  });
  await rebalance(ctx, group);
}

export async function subscribedTopics(ctx: ConsumerContext, group: string, name: string): Promise<string[]> {
  const loaded = await loadInstance(ctx, group, name);
  await touchInstance(ctx, loaded);
  const { subscription, subscribedTopics } = loaded.instance;
  if (!subscription) return [];
  return "topics" in subscription ? [...subscription.topics] : subscribedTopics;
}

/** Manual assignment: bypasses the group's sharing; 40903 while subscribed. */
export async function assign(
  ctx: ConsumerContext,
  group: string,
  name: string,
  partitions: TopicPartition[],
): Promise<void> {
  const unique = [...new Map(partitions.map((tp) => [partitionKey(tp), tp])).values()].sort(byTopicPartition);
  await updateInstance(ctx, group, name, async (instance) => {
    if (instance.subscription) throw illegalState(EXCLUSIVE);
    await revoke(ctx, instance, unique);
    instance.manual = unique.length > 0 ? unique : null;
    instance.assigned = unique;
  });
}

export async function assignment(
  ctx: ConsumerContext,
  group: string,
  name: string,
): Promise<TopicPartition[]> {
  const loaded = await loadInstance(ctx, group, name);
  await touchInstance(ctx, loaded);
  return loaded.instance.assigned;
}

function requireAssigned(instance: ConsumerInstance, partitions: TopicPartition[]): void {
  const assigned = new Set(instance.assigned.map(partitionKey));
  const missing = partitions.find((tp) => !assigned.has(partitionKey(tp)));
  if (missing)
    throw illegalState(`No current assignment for partition ${missing.topic}-${missing.partition}`);
}

export type Seek =
  | {
      kind: "offsets";
      offsets: Array<TopicPartition & { offset: number }>;
      timestamps: Array<TopicPartition & { timestamp: number }>;
    }
  | { kind: "beginning" | "end"; partitions: TopicPartition[] };

/** Moves the instance's positions; every partition named must be assigned to it (40903 otherwise). */
export async function seek(ctx: ConsumerContext, group: string, name: string, target: Seek): Promise<void> {
  await updateInstance(ctx, group, name, async (instance) => {
    if (target.kind === "offsets") {
      requireAssigned(instance, [...target.offsets, ...target.timestamps]);
      for (const o of target.offsets) instance.positions[partitionKey(o)] = o.offset;
      if (target.timestamps.length === 0) return;
      const found = await ctx.backend.offsetsForTimes(target.timestamps);
      const missing = found.filter((f) => f.offset === null);
      const ends = missing.length > 0 ? await ctx.backend.partitionOffsets(missing) : [];
      for (const f of found) instance.positions[partitionKey(f)] = f.offset ?? 0;
      // No record at or after the time: start at the end, as the Java consumer's seek would.
      for (const e of ends) instance.positions[partitionKey(e)] = e.end;
      return;
    }
    requireAssigned(instance, target.partitions);
    const bounds = await ctx.backend.partitionOffsets(target.partitions);
    for (const b of bounds)
      instance.positions[partitionKey(b)] = target.kind === "beginning" ? b.beginning : b.end;
  });
}

/**
 * Commits offsets. With a list: each entry is the last offset the client consumed and Kafka gets
 * offset + 1, as on Confluent. Without: everything the instance has read so far.
 */
export async function commit(
  ctx: ConsumerContext,
  group: string,
  name: string,
  offsets: Array<TopicPartition & { offset: number; metadata?: string }> | undefined,
): Promise<CommitOffset[]> {
  return updateInstance(ctx, group, name, async (instance) => {
    if (offsets === undefined) return commitPositions(ctx, instance);
    const next = offsets.map((o) => ({ ...o, offset: o.offset + 1 }));
    if (next.length > 0) await ctx.backend.commitOffsets(group, next);
    for (const o of next) instance.committed[partitionKey(o)] = o.offset;
    return next;
  });
}

/** The group's committed offsets for the partitions, or for the instance's assignment. */
export async function committed(
  ctx: ConsumerContext,
  group: string,
  name: string,
  partitions: TopicPartition[] | undefined,
): Promise<CommittedOffset[]> {
  const loaded = await loadInstance(ctx, group, name);
  await touchInstance(ctx, loaded);
  return ctx.backend.committedOffsets(group, partitions ?? loaded.instance.assigned);
}

/**
 * The v1 topic read's implicit subscription: the first read subscribes the instance to the topic;
 * reading another topic afterwards is 40901, as in v1.
 */
export async function subscribeForTopicRead(
  ctx: ConsumerContext,
  group: string,
  name: string,
  topic: string,
): Promise<void> {
  const changed = await updateInstance(ctx, group, name, (instance) => {
    if (instance.v1Topic === topic) return false;
    if (instance.v1Topic !== undefined || instance.subscription || instance.manual) {
      throw new ProxyError(
        ErrorCode.CONSUMER_ALREADY_SUBSCRIBED,
        "Consumer cannot subscribe the the specified target because it has already subscribed to other topics.",
      );
    }
    instance.v1Topic = topic;
    instance.subscription = { topics: [topic] };
    return true;
  });
  if (changed) await rebalance(ctx, group);
}
