import type { TopicPartition } from "../../backends/types.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { assignRoundRobin, type Member } from "./assignment.ts";
import type { ConsumerContext } from "./context.ts";
import { type ConsumerInstance, partitionKey, type Subscription, samePartitions } from "./model.ts";
import { commitPositions } from "./offsets.ts";
import { findInstance, listGroup, saveInstance } from "./store.ts";

/** A topic_pattern is a Java regex that must match the whole topic name. */
export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw new ProxyError(
      ErrorCode.INVALID_CONSUMER_CONFIG,
      `Invalid consumer configuration: topic_pattern is not a valid regular expression: ${(error as Error).message}`,
    );
  }
}

async function resolveTopics(
  subscription: Subscription,
  allTopics: () => Promise<string[]>,
): Promise<string[]> {
  if ("topics" in subscription) return [...subscription.topics].sort();
  const pattern = compilePattern(subscription.pattern);
  return (await allTopics()).filter((t) => pattern.test(t)).sort();
}

/**
 * Recomputes how the group's subscribed, live instances share their topics' partitions and writes
 * each member whose share changed. A member that loses partitions commits its positions in them
 * first when it auto-commits, so the next owner continues where it stopped. Members that are being
 * read at the same moment see their compare-and-set fail and retry with the new share, so a
 * partition is never read by two members after the change.
 */
export async function rebalance(ctx: ConsumerContext, group: string): Promise<void> {
  const instances = (await listGroup(ctx, group)).filter((i) => i.subscription !== null);
  let topicList: Promise<string[]> | undefined;
  const allTopics = () => {
    topicList ??= ctx.backend.listTopics();
    return topicList;
  };
  const members: Member[] = [];
  for (const instance of instances) {
    members.push({
      name: instance.name,
      topics: await resolveTopics(instance.subscription as Subscription, allTopics),
    });
  }
  const counts = new Map<string, number>();
  for (const topic of new Set(members.flatMap((m) => m.topics))) {
    const metadata = await ctx.backend.describeTopic(topic);
    if (metadata) counts.set(topic, metadata.partitions.length);
  }
  const shares = assignRoundRobin(members, counts);
  const names = members.map((m) => m.name).sort();
  const now = ctx.now();
  for (const member of members) {
    await applyShare(ctx, group, member, shares.get(member.name) ?? [], names, now);
  }
}

async function applyShare(
  ctx: ConsumerContext,
  group: string,
  member: Member,
  share: TopicPartition[],
  names: string[],
  now: number,
): Promise<void> {
  for (;;) {
    const loaded = await findInstance(ctx, group, member.name);
    if (!loaded || loaded.instance.subscription === null) return;
    const { instance, version } = loaded;
    const unchanged =
      samePartitions(instance.assigned, share) &&
      instance.members.join("\n") === names.join("\n") &&
      instance.subscribedTopics.join("\n") === member.topics.join("\n");
    // An unchanged member is left alone: writing it would only make its in-flight read retry.
    if (unchanged) return;
    await revoke(ctx, instance, share);
    instance.assigned = share;
    instance.members = names;
    instance.subscribedTopics = member.topics;
    instance.assignedAt = now;
    if (await saveInstance(ctx, instance, version)) return;
  }
}

/** Drops positions of partitions the instance no longer reads, committing them first if asked to. */
export async function revoke(
  ctx: ConsumerContext,
  instance: ConsumerInstance,
  keep: TopicPartition[],
): Promise<void> {
  const kept = new Set(keep.map(partitionKey));
  const lost = Object.keys(instance.positions).filter((key) => !kept.has(key));
  if (lost.length === 0) return;
  if (instance.settings.autoCommit) await commitPositions(ctx, instance, lost);
  for (const key of lost) delete instance.positions[key];
}
