/**
 * @module Offsets for the kafkajs backend: ListOffsets (earliest, latest, by timestamp) at the
 * partition leaders, and group offsets committed as a "simple" group — OffsetCommit with generation
 * -1 and member id "" at the group coordinator, no JoinGroup — and read back with OffsetFetch.
 * Kafka itself stores them, so Kafka's tooling sees them like any other group's offsets.
 */
import { partitionNotFound, topicNotFound } from "../errors.ts";
import type { ClusterClient } from "./kafkajs-cluster.ts";
import { withRetries } from "./kafkajs-cluster.ts";
import { fromErrorCode, isStaleRouting, routingError } from "./kafkajs-errors.ts";
import {
  LEADER_NOT_AVAILABLE,
  NONE,
  UNKNOWN_SERVER_ERROR,
  UNKNOWN_TOPIC_OR_PARTITION,
} from "./kafkajs-protocol.ts";
import type { CommitOffset, CommittedOffset, TopicPartition } from "./types.ts";

export interface OffsetSettings {
  retries: number;
  retryBackoffMs: number;
}

const DEFAULT_SETTINGS: OffsetSettings = { retries: 3, retryBackoffMs: 100 };

/** Splits items into rounds in which every topic-partition appears once (Kafka refuses duplicates). */
export function uniqueRounds<T extends TopicPartition>(items: T[]): Array<Array<{ item: T; index: number }>> {
  const rounds: Array<Array<{ item: T; index: number }>> = [];
  const seen: Array<Set<string>> = [];
  items.forEach((item, index) => {
    const key = `${item.topic}\u0000${item.partition}`;
    let round = seen.findIndex((keys) => !keys.has(key));
    if (round < 0) {
      round = rounds.length;
      rounds.push([]);
      seen.push(new Set());
    }
    rounds[round].push({ item, index });
    seen[round].add(key);
  });
  return rounds;
}

/** Leaders of the partitions; 40401/40402 for what does not exist. */
async function leadersOf(
  client: ClusterClient,
  partitions: TopicPartition[],
  fresh: boolean,
): Promise<number[]> {
  const leaders: number[] = [];
  for (const { topic, partition } of partitions) {
    const info = await client.topic(topic, { fresh });
    if (!info) throw topicNotFound(topic);
    const found = info.partitions.find((p) => p.partition === partition);
    if (!found) throw partitionNotFound(topic, partition);
    leaders.push(found.leader);
  }
  return leaders;
}

/**
 * ListOffsets for each partition at a timestamp (or -1 latest, -2 earliest), in the order given.
 * `offset` is -1 when no record has a timestamp at or after the one asked for.
 */
export async function listOffsetsAt(
  client: ClusterClient,
  partitions: Array<TopicPartition & { timestamp: number }>,
  isolationLevel: number,
  settings: OffsetSettings = DEFAULT_SETTINGS,
): Promise<Array<{ offset: number; timestamp: number }>> {
  const results: Array<{ offset: number; timestamp: number }> = new Array(partitions.length);
  const topicsOf = () => new Set(partitions.map((p) => p.topic));
  await withRetries(
    async (retry) => {
      const leaders = await leadersOf(client, partitions, retry > 0);
      for (const round of uniqueRounds(partitions)) {
        const byLeader = new Map<
          number,
          Array<{ item: TopicPartition & { timestamp: number }; index: number }>
        >();
        for (const entry of round) {
          const leader = leaders[entry.index];
          if (leader < 0) throw routingError(LEADER_NOT_AVAILABLE, entry.item);
          const list = byLeader.get(leader) ?? [];
          list.push(entry);
          byLeader.set(leader, list);
        }
        await Promise.all(
          [...byLeader].map(async ([leader, entries]) => {
            const byTopic = new Map<string, Array<{ partition: number; timestamp: number }>>();
            for (const { item } of entries) {
              const list = byTopic.get(item.topic) ?? [];
              list.push({ partition: item.partition, timestamp: item.timestamp });
              byTopic.set(item.topic, list);
            }
            const connection = await client.node(leader);
            const response = await connection.listOffsets(
              [...byTopic].map(([topic, list]) => ({ topic, partitions: list })),
              isolationLevel,
            );
            for (const { item, index } of entries) {
              const { topic, partition } = item;
              const answer = response.responses
                .find((r) => r.topic === topic)
                ?.partitions.find((p) => p.partition === partition);
              if (!answer) throw routingError(UNKNOWN_SERVER_ERROR, { topic, partition });
              if (answer.errorCode !== NONE) {
                if (isStaleRouting(answer.errorCode))
                  throw routingError(answer.errorCode, { topic, partition });
                throw fromErrorCode(answer.errorCode, { topic, partition });
              }
              results[index] = { offset: Number(answer.offset), timestamp: Number(answer.timestamp ?? -1) };
            }
          }),
        );
      }
    },
    {
      retries: settings.retries,
      backoffMs: settings.retryBackoffMs,
      onRetry: () => {
        for (const topic of topicsOf()) client.forget(topic);
      },
    },
  );
  return results;
}

const COORDINATOR_MOVED = new Set([14, 15, 16]); // loading, not available, not coordinator

/** Commits offsets as a simple group (generation -1, member ""). */
export async function commitGroupOffsets(
  client: ClusterClient,
  group: string,
  offsets: CommitOffset[],
  settings: OffsetSettings = DEFAULT_SETTINGS,
): Promise<void> {
  // Like the embedded log: committing for a partition that does not exist is an error.
  await leadersOf(client, offsets, false);
  const byTopic = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>();
  for (const { topic, partition, offset, metadata } of offsets) {
    const list = byTopic.get(topic) ?? [];
    list.push({ partition, offset: String(offset), metadata: metadata ?? "" });
    byTopic.set(topic, list);
  }
  const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  await withRetries(
    async (retry) => {
      const coordinator = await client.coordinator(group, { fresh: retry > 0 });
      const response = await coordinator.offsetCommit(group, topics);
      for (const { topic, partitions } of response.responses) {
        for (const { partition, errorCode } of partitions) {
          if (errorCode === NONE) continue;
          if (COORDINATOR_MOVED.has(errorCode)) throw routingError(errorCode, { group });
          throw fromErrorCode(errorCode, { group, topic, partition });
        }
      }
    },
    { retries: settings.retries, backoffMs: settings.retryBackoffMs },
  );
}

/** A group's committed offsets; partitions without a commit are left out. */
export async function fetchGroupOffsets(
  client: ClusterClient,
  group: string,
  partitions: TopicPartition[],
  settings: OffsetSettings = DEFAULT_SETTINGS,
): Promise<CommittedOffset[]> {
  if (partitions.length === 0) return [];
  const byTopic = new Map<string, Array<{ partition: number }>>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic) ?? [];
    if (!list.some((p) => p.partition === partition)) list.push({ partition });
    byTopic.set(topic, list);
  }
  const topics = [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
  const response = await withRetries(
    async (retry) => {
      const coordinator = await client.coordinator(group, { fresh: retry > 0 });
      const answer = await coordinator.offsetFetch(group, topics);
      const code = answer.errorCode ?? NONE;
      if (COORDINATOR_MOVED.has(code)) throw routingError(code, { group });
      if (code !== NONE) throw fromErrorCode(code, { group });
      for (const t of answer.responses) {
        for (const p of t.partitions) {
          if (COORDINATOR_MOVED.has(p.errorCode)) throw routingError(p.errorCode, { group });
          if (p.errorCode !== NONE && p.errorCode !== UNKNOWN_TOPIC_OR_PARTITION) {
            throw fromErrorCode(p.errorCode, { group, topic: t.topic });
          }
        }
      }
      return answer;
    },
    { retries: settings.retries, backoffMs: settings.retryBackoffMs },
  );
  return partitions.flatMap(({ topic, partition }) => {
    const answer = response.responses
      .find((t) => t.topic === topic)
      ?.partitions.find((p) => p.partition === partition);
    // No commit: offset -1 (or UNKNOWN_TOPIC_OR_PARTITION, from some brokers, for unknown topics).
    if (!answer || answer.errorCode !== NONE || Number(answer.offset) < 0) return [];
    return [{ topic, partition, offset: Number(answer.offset), metadata: answer.metadata ?? "" }];
  });
}
