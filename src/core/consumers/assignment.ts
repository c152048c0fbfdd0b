import type { TopicPartition } from "../../backends/types.ts";
import { byTopicPartition } from "./model.ts";

export interface Member {
  name: string;
  topics: string[];
}

/**
 * Shares the partitions of the members' topics among them like Kafka's RoundRobinAssignor:
 * members sorted by name, partitions by topic then number, each partition to the next member (in
 * circular order) that subscribes to its topic. Deterministic, so every process computes the same.
 */
export function assignRoundRobin(
  members: Member[],
  partitionCounts: Map<string, number>,
): Map<string, TopicPartition[]> {
  const sorted = [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const result = new Map<string, TopicPartition[]>(sorted.map((m) => [m.name, []]));
  const wanted = new Set(sorted.flatMap((m) => m.topics));
  const partitions: TopicPartition[] = [];
  for (const [topic, count] of partitionCounts) {
    if (!wanted.has(topic)) continue;
    for (let partition = 0; partition < count; partition++) partitions.push({ topic, partition });
  }
  partitions.sort(byTopicPartition);
  let next = 0;
  for (const tp of partitions) {
    for (let tried = 0; tried < sorted.length; tried++) {
      const member = sorted[(next + tried) % sorted.length];
      if (!member.topics.includes(tp.topic)) continue;
      result.get(member.name)?.push(tp);
      next = (next + tried + 1) % sorted.length;
      break;
    }
  }
  return result;
}
