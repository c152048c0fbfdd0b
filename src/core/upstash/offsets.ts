import type { KafkaBackend, TopicPartition } from "../../backends/types.ts";
import type { TopicPartitionOffset } from "./messages.ts";

/** Kafka's wire value for "no such offset": what /offsets answers past the last record. */
export const NO_OFFSET = -1;

/**
 * /offsets/{timestamp}: the first offset at or after a time (ms), or each partition's first
 * (`earliest`) or next (`latest`) offset.
 */
export async function offsetsAt(
  backend: KafkaBackend,
  at: number | "earliest" | "latest",
  partitions: TopicPartition[],
): Promise<TopicPartitionOffset[]> {
  if (partitions.length === 0) return [];
  if (typeof at === "number") {
    const found = await backend.offsetsForTimes(partitions.map((tp) => ({ ...tp, timestamp: at })));
    return found.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset ?? NO_OFFSET }));
  }
  const bounds = await backend.partitionOffsets(partitions);
  return bounds.map(({ topic, partition, beginning, end }) => ({
    topic,
    partition,
    offset: at === "earliest" ? beginning : end,
  }));
}

/** GET /topics: every topic with its partition count. */
export async function topicPartitionCounts(backend: KafkaBackend): Promise<Record<string, number>> {
  const topics = await backend.listTopics();
  const counts: Record<string, number> = {};
  for (const topic of [...topics].sort()) {
    const metadata = await backend.describeTopic(topic);
    if (metadata) counts[topic] = metadata.partitions.length;
  }
  return counts;
}
