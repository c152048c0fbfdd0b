import type { KafkaRecord, RecordHeader } from "../../backends/types.ts";
import { decodeBase64 } from "../../utils/base64.ts";
import { rangesOf } from "./batch.ts";
import { type SinkContext, type SinkDeps, sinkContext } from "./context.ts";
import { deadLetter } from "./dead-letter.ts";
import type { SinkDefinition } from "./definition.ts";
import { deduplicationToken, prepareBatch } from "./prepare.ts";
import { type RunError, type RunReport, recordRun, toRunError } from "./stats.ts";

/** One record of a Lambda Kafka event (self-managed Kafka or MSK): key and value in base64. */
export interface LambdaKafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType?: string;
  key?: string | null;
  value?: string | null;
  /** Each header is an object { name: [byte, ...] }. */
  headers?: Array<Record<string, number[]>>;
}

/** The event Lambda's Kafka event source mapping sends; records are keyed "topic-partition". */
export interface LambdaKafkaEvent {
  eventSource: string;
  eventSourceArn?: string;
  bootstrapServers?: string;
  records: Record<string, LambdaKafkaRecord[]>;
}

/** The partial batch response (ReportBatchItemFailures): the first failed offset per partition. */
export interface KafkaBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: { partition: string; offset: number } }>;
}

function toRecord(raw: LambdaKafkaRecord): KafkaRecord {
  const bytes = (text: string | null | undefined) => {
    if (text === null || text === undefined) return null;
    // Invalid base64 cannot be a record Kafka delivered; as an empty value it counts as broken.
    return decodeBase64(text) ?? new Uint8Array();
  };
  const headers: RecordHeader[] = (raw.headers ?? []).flatMap((header) =>
    Object.entries(header).map(([key, value]) => ({ key, value: Uint8Array.from(value ?? []) })),
  );
  return {
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    timestamp: raw.timestamp,
    key: bytes(raw.key),
    value: bytes(raw.value),
    headers,
  };
}

/** Inserts one sink's share of the event; returns the error when it failed (nothing was inserted then). */
async function deliver(
  ctx: SinkContext,
  definition: SinkDefinition,
  records: KafkaRecord[],
): Promise<RunError | undefined> {
  const startedAt = ctx.now();
  const ranges = rangesOf(records);
  const report: RunReport = {
    sink: definition.name,
    outcome: "inserted",
    records: records.length,
    rows: 0,
    skipped: 0,
    ranges,
    retry: false,
    deduplicated: false,
    startedAt,
    durationMs: 0,
  };
  try {
    const { rows, broken } = prepareBatch(definition, records);
    if (definition.deadLetterTopic)
      await deadLetter(ctx.backend, definition.deadLetterTopic, definition.name, broken);
    const inserted = await ctx.sink.insert(definition.clickhouse, {
      rows,
      settings: definition.clickhouse.settings,
      deduplicationToken: deduplicationToken(definition.name, ranges),
    });
    Object.assign(report, { rows: rows.length, skipped: broken.length, deduplicated: inserted.deduplicated });
  } catch (error) {
    Object.assign(report, { outcome: "failed", error: toRunError(error) });
  }
  report.durationMs = ctx.now() - startedAt;
  await recordRun(ctx.store, report).catch(() => undefined);
  return report.error;
}

/**
 * The Lambda Kafka event-source handler's work: inserts the delivered records into every sink
 * with source "lambda" that reads their topic (one INSERT per sink), and reports each partition a
 * sink failed for at its first offset, so Lambda redelivers that partition from there (it commits
 * the offsets itself, up to the first failure). Never throws.
 */
export async function handleKafkaEvent(deps: SinkDeps, event: LambdaKafkaEvent): Promise<KafkaBatchResponse> {
  const byPartition = Object.entries(event.records ?? {}).map(([id, raw]) => ({
    id,
    records: raw.map(toRecord).sort((a, b) => a.offset - b.offset),
  }));
  const sinks = deps.config.sinks.filter((d) => d.source === "lambda");
  const ctx = sinkContext(deps);
  const failedAt = new Map<string, number>();
  const fail = (id: string, offset: number) => failedAt.set(id, Math.min(failedAt.get(id) ?? offset, offset));
  for (const definition of sinks) {
    const mine = byPartition.filter(
      (p) => p.records.length > 0 && definition.topics.includes(p.records[0].topic),
    );
    if (mine.length === 0) continue;
    const error = ctx
      ? await deliver(
          ctx,
          definition,
          mine.flatMap((p) => p.records),
        )
      : { message: "no sink adapter", retriable: false };
    if (error) for (const p of mine) fail(p.id, p.records[0].offset);
  }
  return {
    batchItemFailures: [...failedAt].map(([partition, offset]) => ({
      itemIdentifier: { partition, offset },
    })),
  };
}
