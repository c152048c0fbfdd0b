import type { KafkaBackend, ProduceResult } from "../../backends/types.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { type OutgoingMessage, toProduceRecord, type UpstashMetadata } from "./messages.ts";

function failure(failed: Array<{ index: number; topic: string; result: ProduceResult }>): ProxyError {
  const errors = failed.flatMap(({ index, topic, result }) =>
    result.ok ? [] : [{ index, topic, ...result.error }],
  );
  const list = errors.map((e) => `message ${e.index} to '${e.topic}': ${e.message}`).join("; ");
  const code = errors.some((e) => e.kind === "too-large")
    ? ErrorCode.PAYLOAD_TOO_LARGE
    : errors.every((e) => e.retriable)
      ? ErrorCode.KAFKA_RETRIABLE_ERROR
      : ErrorCode.KAFKA_ERROR;
  return new ProxyError(code, `Kafka refused ${errors.length} of the messages (${list}).`);
}

/**
 * Writes messages, possibly to several topics, one batch per topic, and answers their metadata in
 * request order. The dialect has no per-message error, so any refused message fails the request:
 * the client then retries it whole (at-least-once, as Upstash's own produce was).
 */
export async function produceMessages(
  backend: KafkaBackend,
  messages: OutgoingMessage[],
): Promise<UpstashMetadata[]> {
  const byTopic = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const indexes = byTopic.get(message.topic) ?? [];
    indexes.push(index);
    byTopic.set(message.topic, indexes);
  });
  const metadata: UpstashMetadata[] = [];
  const failed: Array<{ index: number; topic: string; result: ProduceResult }> = [];
  for (const [topic, indexes] of byTopic) {
    const results = await backend.produce(
      topic,
      indexes.map((i) => toProduceRecord(messages[i])),
    );
    results.forEach((result, j) => {
      const index = indexes[j];
      if (!result.ok) failed.push({ index, topic, result });
      else
        metadata[index] = {
          topic,
          partition: result.partition,
          offset: result.offset,
          timestamp: result.timestamp,
        };
    });
  }
  if (failed.length > 0) throw failure(failed);
  return metadata;
}
