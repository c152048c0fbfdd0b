import type { KafkaRecord, ProduceRecord } from "../../backends/types.ts";
import { utf8 } from "../../utils/bytes.ts";

/** The dialect's types, as the @upstash/kafka client sends and reads them: keys and values are strings. */
export interface UpstashHeader {
  key: string;
  value: string;
}

export interface UpstashMessage {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** "" when the record has no key, as Upstash answered. */
  key: string;
  value: string;
  headers: UpstashHeader[];
}

/** What a produce answers per message. */
export interface UpstashMetadata {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

/** A message to produce, its topic known (from the body or the path). */
export interface OutgoingMessage {
  topic: string;
  value: string;
  key?: string;
  partition?: number;
  /** Passed to Kafka as given, in ms (the client's doc comment says seconds; Kafka reads ms). */
  timestamp?: number;
  headers?: UpstashHeader[];
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

// Not fatal: bytes that are not UTF-8 read as U+FFFD, as Upstash's Java StringDeserializer did.
const lenient = new TextDecoder();

/** Bytes as the dialect's text; null (no key, no value) as "". */
export function textOf(bytes: Uint8Array | null): string {
  return bytes === null ? "" : lenient.decode(bytes);
}

export function toProduceRecord(message: OutgoingMessage): ProduceRecord {
  return {
    key: message.key === undefined ? null : utf8(message.key),
    value: utf8(message.value),
    headers: message.headers?.map((h) => ({ key: h.key, value: utf8(h.value) })),
    partition: message.partition,
    timestamp: message.timestamp,
  };
}

export function toUpstashMessage(record: KafkaRecord): UpstashMessage {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: textOf(record.key),
    value: textOf(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: textOf(h.value) })),
  };
}
