import type { KafkaBackend, ProduceRecord, ProduceResult } from "../backends/types.ts";
import { type EmbeddedFormat, toBytes } from "./records.ts";

export interface IncomingRecord {
  key?: unknown;
  value?: unknown;
  partition?: number;
}

export interface ProduceCommand {
  topic: string;
  format: EmbeddedFormat;
  records: IncomingRecord[];
  /** The partition named in the path; a record's own partition wins over it. */
  partition?: number;
}

/**
 * Encodes every record first, so one that cannot be encoded fails the request before anything is
 * written, then writes them in one batch. Per-record Kafka failures come back as results.
 */
export async function produceRecords(
  backend: KafkaBackend,
  command: ProduceCommand,
): Promise<ProduceResult[]> {
  const records: ProduceRecord[] = command.records.map((record) => ({
    key: toBytes(command.format, record.key),
    value: toBytes(command.format, record.value),
    partition: record.partition ?? command.partition,
  }));
  return backend.produce(command.topic, records);
}
