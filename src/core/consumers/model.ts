import type { TopicPartition } from "../../backends/types.ts";
import type { EmbeddedFormat } from "../records.ts";

export type OffsetReset = "earliest" | "latest" | "none";

export interface ConsumerSettings {
  format: EmbeddedFormat;
  autoOffsetReset: OffsetReset;
  autoCommit: boolean;
  /** Bytes a read tries to gather before answering; -1 answers as soon as anything arrived. */
  fetchMinBytes: number;
  /** The longest a read waits; null: the proxy's CONSUMER_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs: number | null;
}

export type Subscription = { topics: string[] } | { pattern: string };

/** Everything about one consumer instance. It lives in the StateStore, never in a process. */
export interface ConsumerInstance {
  group: string;
  name: string;
  settings: ConsumerSettings;
  createdAt: number;
  subscription: Subscription | null;
  /** Partitions set with POST assignments; exclusive with a subscription. */
  manual: TopicPartition[] | null;
  /** What this instance reads now: its manual assignment or its share of the group's partitions. */
  assigned: TopicPartition[];
  /** Topics the subscription resolved to (a pattern matches topics as they appear). */
  subscribedTopics: string[];
  /** Group members the share was computed over, and when: a read re-checks once this is old. */
  members: string[];
  assignedAt: number;
  /** Next offset to read, by partitionKey(). */
  positions: Record<string, number>;
  /** Offsets committed on the instance's behalf, so auto-commit sends only what moved. */
  committed: Record<string, number>;
  /** When the instance was last written; its idle timeout runs from here. */
  lastSeen: number;
  /** The topic a v1 topic read subscribed the instance to. */
  v1Topic?: string;
  /** The principal that created the instance; absent when authentication was off. */
  owner?: string;
}

export function partitionKey({ topic, partition }: TopicPartition): string {
  return `${topic}:${partition}`;
}

export function fromPartitionKey(key: string): TopicPartition {
  const at = key.lastIndexOf(":");
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export function samePartitions(a: TopicPartition[], b: TopicPartition[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(partitionKey));
  return b.every((tp) => keys.has(partitionKey(tp)));
}

export function byTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
