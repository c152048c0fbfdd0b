import { ErrorCode, ProxyError } from "../../errors.ts";
import type { EmbeddedFormat } from "../records.ts";
import type { ConsumerSettings, OffsetReset } from "./model.ts";

/** The create request's fields, as the route parsed them from the body (strings or numbers). */
export interface CreateConsumerRequest {
  name?: string;
  id?: string;
  format?: string;
  "auto.offset.reset"?: string;
  "auto.commit.enable"?: string | boolean;
  "fetch.min.bytes"?: number | string;
  "consumer.request.timeout.ms"?: number | string;
}

const RESETS: Record<string, OffsetReset> = {
  earliest: "earliest",
  latest: "latest",
  none: "none",
  smallest: "earliest",
  largest: "latest",
};

const NAME = /^[A-Za-z0-9._\-~]{1,249}$/;
const MAX_FETCH_MIN_BYTES = 10_000_000;

function invalid(message: string): ProxyError {
  return new ProxyError(ErrorCode.INVALID_CONSUMER_CONFIG, `Invalid consumer configuration: ${message}`);
}

function integer(value: number | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "number" ? value : /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw invalid(`${field} must be an integer.`);
  return n;
}

function formatOf(format: string | undefined): EmbeddedFormat {
  const f = (format ?? "binary").toLowerCase();
  if (f === "binary" || f === "json") return f;
  if (f === "avro" || f === "protobuf" || f === "jsonschema") {
    throw invalid(
      `format ${f} needs a schema registry, which this proxy does not provide; use binary or json.`,
    );
  }
  throw new ProxyError(ErrorCode.UNPROCESSABLE, "Invalid format type.");
}

/** The instance name (`id` wins, as in Confluent) and its settings, validated like Confluent does. */
export function parseCreateRequest(
  request: CreateConsumerRequest,
  generateName: () => string,
): { name: string; settings: ConsumerSettings } {
  const name = request.id ?? request.name ?? generateName();
  if (!NAME.test(name)) {
    throw invalid("the instance name may use letters, digits and . _ - ~ only, up to 249 characters.");
  }
  const reset = request["auto.offset.reset"];
  const autoOffsetReset = reset === undefined ? "latest" : RESETS[reset.toLowerCase()];
  if (!autoOffsetReset) {
    throw invalid(
      `Invalid value ${reset} for configuration auto.offset.reset: must be earliest, latest or none.`,
    );
  }
  const autoCommitRaw = request["auto.commit.enable"];
  const autoCommitText = autoCommitRaw === undefined ? "true" : String(autoCommitRaw).toLowerCase();
  if (autoCommitText !== "true" && autoCommitText !== "false") {
    throw invalid(
      `Invalid value ${autoCommitRaw} for configuration auto.commit.enable: must be true or false.`,
    );
  }
  const fetchMinBytes = integer(request["fetch.min.bytes"], "fetch.min.bytes") ?? -1;
  if (fetchMinBytes < -1 || fetchMinBytes > MAX_FETCH_MIN_BYTES) {
    throw new ProxyError(
      ErrorCode.INVALID_CONSUMER_CONFIG_CONSTRAINT,
      `Invalid consumer configuration. It does not abide by the constraints: fetch.min.bytes must be between -1 and ${MAX_FETCH_MIN_BYTES}.`,
    );
  }
  const requestTimeoutMs =
    integer(request["consumer.request.timeout.ms"], "consumer.request.timeout.ms") ?? null;
  if (requestTimeoutMs !== null && requestTimeoutMs < 0) {
    throw invalid("consumer.request.timeout.ms must not be negative.");
  }
  return {
    name,
    settings: {
      format: formatOf(request.format),
      autoOffsetReset,
      autoCommit: autoCommitText === "true",
      fetchMinBytes,
      requestTimeoutMs,
    },
  };
}
