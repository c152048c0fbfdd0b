import type { Context } from "hono";
import type { ReadResult } from "../../core/consumers/read.ts";
import { readRecords } from "../../core/consumers/read.ts";
import type { EmbeddedFormat } from "../../core/records.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { negotiate, parseKafkaMediaType } from "../../middleware/negotiate.ts";
import type { AppEnv } from "../../types.ts";
import type { Router } from "../http.ts";
import { INSTANCE_PATH, instanceOf } from "./consumers.ts";

const RECORD_TYPES = [
  "application/vnd.kafka.binary.v2+json",
  "application/vnd.kafka.json.v2+json",
  "application/vnd.kafka.v2+json",
  "application/vnd.kafka.binary.v1+json",
  "application/vnd.kafka.json.v1+json",
  "application/vnd.kafka.v1+json",
  "application/vnd.kafka.avro.v2+json",
  "application/vnd.kafka.protobuf.v2+json",
  "application/vnd.kafka.jsonschema.v2+json",
] as const;

export interface RecordsAccept {
  /** The embedded format the client named; undefined when its Accept names no Kafka type. */
  format: EmbeddedFormat | undefined;
  version: "v1" | "v2";
}

/**
 * What a records read's Accept asks for. A client that names no Kafka type (`*\/*`, none) gets the
 * instance's own format; a Kafka type without a format means binary, as on Confluent; naming
 * another format than the instance's is 406/40601.
 */
export function recordsAccept(accept: string | undefined): RecordsAccept {
  const names = (accept ?? "").split(",").map((part) => part.split(";")[0].trim());
  if (!names.some((n) => parseKafkaMediaType(n))) return { format: undefined, version: "v2" };
  const chosen = negotiate(accept, RECORD_TYPES);
  const parsed = chosen ? parseKafkaMediaType(chosen) : undefined;
  if (!parsed) {
    throw new ProxyError(
      ErrorCode.NOT_ACCEPTABLE,
      "HTTP 406 Not Acceptable: ask for application/vnd.kafka.binary.v2+json or application/vnd.kafka.json.v2+json.",
    );
  }
  const version = parsed.version === "v1" ? "v1" : "v2";
  if (parsed.format === undefined || parsed.format === "binary") return { format: "binary", version };
  if (parsed.format === "json") return { format: "json", version };
  throw new ProxyError(
    ErrorCode.CONSUMER_FORMAT_MISMATCH,
    "The requested embedded data format does not match the deserializer for this consumer instance",
  );
}

function nonNegativeInteger(c: Context<AppEnv>, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new ProxyError(ErrorCode.BAD_REQUEST, `Query parameter ${name} must be an integer (got '${raw}').`);
  return Number(raw);
}

export function sendRecords(c: Context<AppEnv>, result: ReadResult, version: "v1" | "v2"): Response {
  return c.body(JSON.stringify(result.records), 200, {
    "Content-Type": `application/vnd.kafka.${result.format}.${version}+json`,
  });
}

/** Reads records for the instance, with a signal that ends a long wait when the client goes away. */
export async function read(
  c: Context<AppEnv>,
  accept: RecordsAccept,
  group: string,
  name: string,
): Promise<ReadResult> {
  return readRecords(c.var.consumers, group, name, {
    timeoutMs: nonNegativeInteger(c, "timeout"),
    maxBytes: nonNegativeInteger(c, "max_bytes"),
    format: accept.format,
    signal: c.req.raw.signal,
  });
}

/** GET .../records */
export function registerRecordsRoute(router: Router): void {
  router.get(`${INSTANCE_PATH}/records`, async (c) => {
    const accept = recordsAccept(c.req.header("accept"));
    const { group, name } = instanceOf(c);
    return sendRecords(c, await read(c, accept, group, name), accept.version);
  });
}
