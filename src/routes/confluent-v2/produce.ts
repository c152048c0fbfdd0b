import type { Context } from "hono";
import { z } from "zod";
import type { ProduceResult, RecordError } from "../../backends/types.ts";
import { produceRecords } from "../../core/produce.ts";
import { ErrorCode } from "../../errors.ts";
import { accepts, KAFKA_RESPONSE_TYPES, produceFormat } from "../../middleware/negotiate.ts";
import { limitRecords } from "../../middleware/record-limit.ts";
import type { AppEnv } from "../../types.ts";
import { partitionParam, type Router, readJson, validate } from "../http.ts";

export const produceRequest = z.strictObject({
  records: z
    .array(
      z.strictObject({
        key: z.unknown().optional(),
        value: z.unknown().optional(),
        partition: z.number().int().min(0, "must be a non-negative partition number").optional(),
      }),
      { message: "records must be an array" },
    )
    .min(1, "records must not be empty"),
  // Schema fields belong to avro/protobuf/jsonschema, which are refused by Content-Type first.
  key_schema: z.string().optional(),
  key_schema_id: z.number().int().optional(),
  value_schema: z.string().optional(),
  value_schema_id: z.number().int().optional(),
});

function errorCodeOf(error: RecordError): number {
  switch (error.kind) {
    case "authentication":
      return ErrorCode.KAFKA_AUTHENTICATION;
    case "authorization":
      return ErrorCode.KAFKA_AUTHORIZATION;
    default:
      return error.retriable ? ErrorCode.KAFKA_RETRIABLE_ERROR : ErrorCode.KAFKA_ERROR;
  }
}

function offsetEntry(result: ProduceResult) {
  if (result.ok) return { partition: result.partition, offset: result.offset, error_code: null, error: null };
  return {
    partition: null,
    offset: null,
    error_code: errorCodeOf(result.error),
    error: result.error.message,
  };
}

/** Confluent answers 200 even with per-record errors, except 401/403 when any record failed auth. */
function statusOf(offsets: Array<{ error_code: number | null }>): 200 | 401 | 403 {
  if (offsets.some((o) => o.error_code === ErrorCode.KAFKA_AUTHENTICATION)) return 401;
  if (offsets.some((o) => o.error_code === ErrorCode.KAFKA_AUTHORIZATION)) return 403;
  return 200;
}

async function produce(c: Context<AppEnv>, partition?: number): Promise<Response> {
  const format = produceFormat(c.req.header("content-type"));
  const body = validate(produceRequest, (await readJson(c)) ?? {});
  limitRecords(c, body.records.length);
  const results = await produceRecords(c.var.deps.backend, {
    topic: c.req.param("topic") ?? "",
    format,
    records: body.records,
    partition,
  });
  const offsets = results.map(offsetEntry);
  return c.body(JSON.stringify({ offsets, key_schema_id: null, value_schema_id: null }), statusOf(offsets), {
    "Content-Type": c.var.responseType,
  });
}

/** POST /topics/{topic} and POST /topics/{topic}/partitions/{partition}. */
export function registerProduceRoutes(router: Router): void {
  const negotiated = accepts(KAFKA_RESPONSE_TYPES);
  router.post("/topics/:topic", negotiated, (c) => produce(c));
  router.post("/topics/:topic/partitions/:partition", negotiated, (c) =>
    produce(c, partitionParam(c, c.req.param("topic") ?? "")),
  );
}
