import type { KafkaBackend, KafkaRecord } from "../../backends/types.ts";
import { kafkaError } from "../../errors.ts";
import { utf8 } from "../../utils/bytes.ts";

/** Headers a dead-lettered record carries besides its own. */
export const DEAD_LETTER_HEADERS = {
  error: "x-sink-error",
  sink: "x-sink-name",
  source: "x-sink-source",
} as const;

export interface BrokenRecord {
  record: KafkaRecord;
  reason: string;
}

/**
 * Copies skipped records to the dead-letter topic, key, value, headers and timestamp unchanged,
 * with why and where from in headers. Throws (so the run commits nothing) unless all were written.
 */
export async function deadLetter(
  backend: KafkaBackend,
  topic: string,
  sink: string,
  broken: BrokenRecord[],
): Promise<void> {
  if (broken.length === 0) return;
  const results = await backend.produce(
    topic,
    broken.map(({ record, reason }) => ({
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: [
        ...record.headers,
        { key: DEAD_LETTER_HEADERS.error, value: utf8(reason) },
        { key: DEAD_LETTER_HEADERS.sink, value: utf8(sink) },
        {
          key: DEAD_LETTER_HEADERS.source,
          value: utf8(`${record.topic}-${record.partition}@${record.offset}`),
        },
      ],
    })),
  );
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) {
    throw kafkaError(
      `Could not write skipped records to dead-letter topic '${topic}': ${failed.error.message}`,
      failed.error.retriable,
    );
  }
}
