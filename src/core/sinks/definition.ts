import { z } from "zod";

/**
 * The virtual columns a mapping can name, spelled as ClickHouse's Kafka table engine names them.
 * `_timestamp` is whole seconds (a DateTime), `_timestamp_ms` milliseconds; `_headers.name` and
 * `_headers.value` are the parallel arrays of a Nested column, `_headers` an object name → value.
 */
export const VIRTUAL_COLUMNS = [
  "_topic",
  "_partition",
  "_offset",
  "_key",
  "_timestamp",
  "_timestamp_ms",
  "_headers",
  "_headers.name",
  "_headers.value",
] as const;

/** `$` (the whole value) or a path into it: `$.a.b`, `$.items[0].id`, `$["odd key"]`. */
const JSON_PATH = /^\$(?:\.[A-Za-z_][\w-]*|\[\d+\]|\["[^"]*"\])*$/;

const columnSource = z
  .string()
  .refine((v) => (VIRTUAL_COLUMNS as readonly string[]).includes(v) || JSON_PATH.test(v), {
    message: `a column source is one of ${VIRTUAL_COLUMNS.join(", ")} or a JSON path like $.field`,
  });

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier (letters, digits, _)");

const settingValue = z.union([z.string(), z.number(), z.boolean()]);

export const sinkDefinitionSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "name must be 1-100 of A-Z a-z 0-9 . _ -"),
    topics: z.array(z.string().min(1)).min(1, "topics must name at least one topic"),
    /** The Kafka group whose committed offsets mark the sink's progress. */
    group: z.string().min(1).optional(),
    clickhouse: z.strictObject({
      url: z.url({ protocol: /^https?$/, message: "clickhouse.url must be an http(s) URL" }),
      database: identifier.default("default"),
      table: identifier,
      user: z.string().default("default"),
      password: z.string().default(""),
      /** ClickHouse settings sent with every INSERT, e.g. {"date_time_input_format":"best_effort"}. */
      settings: z.record(z.string().regex(/^\w+$/), settingValue).default({}),
    }),
    /** json: each value is one JSON object → one row. string: the value is text. */
    format: z.enum(["json", "string"]).default("json"),
    /** Column → source. Without it, a json value's own fields are the row. */
    columns: z.record(z.string().min(1), columnSource).optional(),
    batch: z
      .strictObject({
        maxRows: z.number().int().min(1).max(1_000_000).default(10_000),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(256 * 1024 * 1024)
          .default(16 * 1024 * 1024),
        maxWaitMs: z.number().int().min(0).max(60_000).default(1000),
      })
      .prefault({}),
    /** Broken records one run may skip (ClickHouse's kafka_skip_broken_messages); more stops the sink. */
    skipBrokenRecords: z.number().int().min(0).default(0),
    /** Where each skipped record is copied, with the reason in the `x-sink-error` header. */
    deadLetterTopic: z.string().min(1).optional(),
    /** poll: runs read Kafka (flush, cron, interval). lambda: fed by a Lambda Kafka event source. */
    source: z.enum(["poll", "lambda"]).default("poll"),
  })
  .refine((d) => d.format === "json" || d.columns !== undefined, {
    message: 'a string sink needs columns, e.g. {"line":"$"}',
    path: ["columns"],
  })
  .refine(
    (d) =>
      d.format === "json" ||
      Object.values(d.columns ?? {}).every((s) => !s.startsWith("$.") && !s.startsWith("$[")),
    { message: "a string sink's value is text: use $ for it, not a path into it", path: ["columns"] },
  );

export type SinkDefinition = Omit<z.output<typeof sinkDefinitionSchema>, "group"> & { group: string };

export const sinkDefinitionsSchema = z
  .array(sinkDefinitionSchema)
  .refine((list) => new Set(list.map((d) => d.name)).size === list.length, {
    message: "sink names must be unique",
  });

/** Validates parsed JSON as sink definitions; the group defaults to sink-{name}. */
export function parseSinkDefinitions(
  input: unknown,
): { ok: true; sinks: SinkDefinition[] } | { ok: false; problems: string[] } {
  const result = sinkDefinitionsSchema.safeParse(input);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => {
        const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
        return `SINKS${path}: ${issue.message}`;
      }),
    };
  }
  return { ok: true, sinks: result.data.map((d) => ({ ...d, group: d.group ?? `sink-${d.name}` })) };
}
