import type { KafkaRecord } from "../../backends/types.ts";
import { SinkError } from "../../sinks/types.ts";
import type { BrokenRecord } from "./dead-letter.ts";
import type { SinkDefinition } from "./definition.ts";
import { type Row, rowMapper } from "./rows.ts";
import type { OffsetRange } from "./state.ts";

export interface PreparedBatch {
  rows: Row[];
  broken: BrokenRecord[];
}

/**
 * The token ClickHouse 22.2+ deduplicates a retried insert by: `{sink}:{topic}:{partition}:{first}-{last}`,
 * with one `{topic}:{partition}:{first}-{last}` per partition after the first, comma-separated.
 */
export function deduplicationToken(sink: string, ranges: OffsetRange[]): string {
  return `${sink}:${ranges.map((r) => `${r.topic}:${r.partition}:${r.first}-${r.last}`).join(",")}`;
}

/**
 * Maps records to rows. Broken records (not JSON, not UTF-8, a tombstone) are set aside up to the
 * sink's skipBrokenRecords; one more fails the whole batch with a non-retriable error naming it, as
 * ClickHouse's kafka_skip_broken_messages does for a block.
 */
export function prepareBatch(definition: SinkDefinition, records: KafkaRecord[]): PreparedBatch {
  const toRow = rowMapper(definition);
  const rows: Row[] = [];
  const broken: BrokenRecord[] = [];
  for (const record of records) {
    const mapped = toRow(record);
    if (mapped.ok) {
      rows.push(mapped.row);
      continue;
    }
    broken.push({ record, reason: mapped.reason });
    if (broken.length > definition.skipBrokenRecords) {
      throw new SinkError(
        `Record ${record.topic}-${record.partition}@${record.offset} is broken (${mapped.reason}) and ` +
          `the batch has more broken records than skipBrokenRecords (${definition.skipBrokenRecords}). ` +
          "Nothing was inserted or committed; raise skipBrokenRecords (with a deadLetterTopic to keep them) " +
          `or move group '${definition.group}' past the record.`,
        { retriable: false },
      );
    }
  }
  return { rows, broken };
}
