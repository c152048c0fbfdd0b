import type { KafkaRecord } from "../../backends/types.ts";
import { fromUtf8 } from "../../utils/bytes.ts";
import type { SinkDefinition } from "./definition.ts";

export type Row = Record<string, unknown>;

/** A record as a row, or why it cannot be one (a broken record). */
export type MappedRecord = { ok: true; row: Row } | { ok: false; reason: string };

/** What one column's source reads from a record and its decoded value. */
type Extract = (record: KafkaRecord, value: unknown) => unknown;

const lenient = new TextDecoder();
const text = (bytes: Uint8Array | null) => (bytes === null ? "" : lenient.decode(bytes));

const VIRTUAL: Record<string, Extract> = {
  _topic: (r) => r.topic,
  _partition: (r) => r.partition,
  _offset: (r) => r.offset,
  _key: (r) => text(r.key),
  // ClickHouse's Kafka engine gives _timestamp as a DateTime: whole seconds.
  _timestamp: (r) => Math.floor(r.timestamp / 1000),
  _timestamp_ms: (r) => r.timestamp,
  _headers: (r) => Object.fromEntries(r.headers.map((h) => [h.key, text(h.value)])),
  "_headers.name": (r) => r.headers.map((h) => h.key),
  "_headers.value": (r) => r.headers.map((h) => text(h.value)),
};

/** `$.a[0]["b c"]` → ["a", 0, "b c"]; the definition schema has checked the syntax. */
function pathSteps(path: string): Array<string | number> {
  const steps: Array<string | number> = [];
  for (const match of path.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else steps.push(match[3]);
  }
  return steps;
}

function pathExtract(source: string, format: SinkDefinition["format"]): Extract {
  const steps = pathSteps(source);
  if (steps.length === 0) {
    // The whole value: the text itself, or the JSON text of a json value (for a String column).
    return format === "string" ? (_r, value) => value : (r) => text(r.value);
  }
  return (_r, value) => {
    let at: unknown = value;
    for (const step of steps) {
      if (at === null || typeof at !== "object") return undefined;
      at = (at as Record<string | number, unknown>)[step];
    }
    return at;
  };
}

function decode(definition: SinkDefinition, record: KafkaRecord): { value: unknown } | { reason: string } {
  if (record.value === null) return { reason: "the value is null (a tombstone)" };
  const decoded = fromUtf8(record.value);
  if (decoded === undefined) return { reason: "the value is not valid UTF-8" };
  if (definition.format === "string") return { value: decoded };
  try {
    return { value: JSON.parse(decoded) };
  } catch (error) {
    return { reason: `the value is not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * Builds the record → row function of a sink once. A json value must be an object. With columns, a
 * row has exactly those (a JSON path that finds nothing leaves its column out, so ClickHouse fills
 * the default); without, the object's own fields are the row.
 */
export function rowMapper(definition: SinkDefinition): (record: KafkaRecord) => MappedRecord {
  const columns = Object.entries(definition.columns ?? {}).map(
    ([column, source]) => [column, VIRTUAL[source] ?? pathExtract(source, definition.format)] as const,
  );
  return (record) => {
    const decoded = decode(definition, record);
    if ("reason" in decoded) return { ok: false, reason: decoded.reason };
    const { value } = decoded;
    if (
      definition.format === "json" &&
      (value === null || typeof value !== "object" || Array.isArray(value))
    ) {
      return { ok: false, reason: "the value is not a JSON object" };
    }
    if (columns.length === 0) return { ok: true, row: value as Row };
    const row: Row = {};
    for (const [column, extract] of columns) {
      const field = extract(record, value);
      if (field !== undefined) row[column] = field;
    }
    return { ok: true, row };
  };
}
