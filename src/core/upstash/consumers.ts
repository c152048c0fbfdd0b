import type { TopicPartition } from "../../backends/types.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { stateKeys } from "../../state/types.ts";
import { decodeBase64 } from "../../utils/base64.ts";
import type { ConsumerContext } from "../consumers/context.ts";
import { createConsumer, subscribe } from "../consumers/lifecycle.ts";
import { type ConsumerInstance, partitionKey } from "../consumers/model.ts";
import { commitPositions } from "../consumers/offsets.ts";
import { type ReadRecord, readRecords } from "../consumers/read.ts";
import { findInstance, touchInstance, updateInstance } from "../consumers/store.ts";
import { type TopicPartitionOffset, textOf, type UpstashMessage } from "./messages.ts";

/**
 * The longest one consume may wait; the instance is created with it so that each request's own
 * `timeout` (default 1000 ms) decides, rather than CONSUMER_REQUEST_TIMEOUT_MS.
 */
export const MAX_CONSUME_WAIT_MS = 30_000;

/** The Kafka-* request headers that configure an instance on its first consume. */
export interface InstanceHeaders {
  autoOffsetReset?: string;
  autoCommit?: string;
}

export interface ConsumeRequest {
  topics: string[];
  timeoutMs: number;
  headers: InstanceHeaders;
  signal?: AbortSignal;
}

export interface GroupAssignments {
  name: string;
  instances: Array<{ name: string; topics: Array<{ topic: string; partitions: number[] }> }>;
}

/** The core reads in the binary format; the dialect wants the bytes as (lenient) UTF-8 text. */
function fromBinary(data: unknown): string {
  if (typeof data !== "string") return "";
  return textOf(decodeBase64(data) ?? null);
}

function toMessage(record: ReadRecord): UpstashMessage {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: fromBinary(record.key),
    value: fromBinary(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: fromBinary(h.value) })),
  };
}

const sameTopics = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/**
 * Creates the instance on its first use from the Kafka-* headers (later headers have no effect, as
 * on Upstash), and (re)subscribes it when the request names other topics than it follows.
 */
async function ensureSubscribed(
  ctx: ConsumerContext,
  group: string,
  name: string,
  request: ConsumeRequest,
): Promise<void> {
  let loaded = await findInstance(ctx, group, name);
  if (!loaded) {
    try {
      await createConsumer(ctx, group, {
        name,
        format: "binary",
        "auto.offset.reset": request.headers.autoOffsetReset,
        "auto.commit.enable": request.headers.autoCommit,
        "consumer.request.timeout.ms": MAX_CONSUME_WAIT_MS,
      });
    } catch (error) {
      // A concurrent first consume created it: use that one.
      if (!(error instanceof ProxyError && error.code === ErrorCode.CONSUMER_ALREADY_EXISTS)) throw error;
    }
    loaded = await findInstance(ctx, group, name);
  }
  const subscription = loaded?.instance.subscription;
  if (subscription && "topics" in subscription && sameTopics(subscription.topics, request.topics)) return;
  await subscribe(ctx, group, name, { topics: request.topics });
}

/** /consume: the implicit, named consumer instance's next records. */
export async function consume(
  ctx: ConsumerContext,
  group: string,
  name: string,
  request: ConsumeRequest,
): Promise<UpstashMessage[]> {
  await ensureSubscribed(ctx, group, name, request);
  const result = await readRecords(ctx, group, name, {
    timeoutMs: Math.max(1, Math.min(request.timeoutMs, MAX_CONSUME_WAIT_MS)),
    format: "binary",
    signal: request.signal,
  });
  return result.records.map(toMessage);
}

/**
 * /commit: offsets are stored as given (no + 1, unlike Confluent v2); none commits what the
 * instance has consumed so far. Explicit offsets need no instance: they go to the group.
 */
export async function commitAsGiven(
  ctx: ConsumerContext,
  group: string,
  name: string,
  offsets: TopicPartitionOffset[],
): Promise<void> {
  if (!(await findInstance(ctx, group, name))) {
    if (offsets.length > 0) await ctx.backend.commitOffsets(group, offsets);
    return;
  }
  await updateInstance(ctx, group, name, async (instance) => {
    if (offsets.length === 0) {
      await commitPositions(ctx, instance);
      return;
    }
    await ctx.backend.commitOffsets(group, offsets);
    for (const o of offsets) instance.committed[partitionKey(o)] = o.offset;
  });
}

/** /committed: the group's committed offsets (the instance's assignment when none are named). */
export async function committedOffsets(
  ctx: ConsumerContext,
  group: string,
  name: string,
  partitions: TopicPartition[] | undefined,
): Promise<TopicPartitionOffset[]> {
  const loaded = await findInstance(ctx, group, name);
  if (loaded) await touchInstance(ctx, loaded);
  const asked = partitions ?? loaded?.instance.assigned ?? [];
  if (asked.length === 0) return [];
  const committed = await ctx.backend.committedOffsets(group, asked);
  return committed.map(({ topic, partition, offset }) => ({ topic, partition, offset }));
}

/** GET /consumers: every live instance of every group, with the partitions it reads. */
export async function listConsumers(ctx: ConsumerContext): Promise<GroupAssignments[]> {
  const entries = await ctx.store.list(stateKeys.allConsumersPrefix());
  const groups = new Map<string, GroupAssignments>();
  for (const entry of entries) {
    const instance = JSON.parse(entry.value) as ConsumerInstance;
    // Another principal's instances are not listed, as they answer it 40403.
    if (instance.owner !== ctx.principal) continue;
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of instance.assigned) {
      const partitions = byTopic.get(topic) ?? [];
      partitions.push(partition);
      byTopic.set(topic, partitions);
    }
    const group = groups.get(instance.group) ?? { name: instance.group, instances: [] };
    group.instances.push({
      name: instance.name,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
    groups.set(instance.group, group);
  }
  return [...groups.values()];
}
