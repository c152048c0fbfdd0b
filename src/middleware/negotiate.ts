import type { MiddlewareHandler } from "hono";
import type { EmbeddedFormat } from "../core/records.ts";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

export const KAFKA_V2_JSON = "application/vnd.kafka.v2+json";
export const KAFKA_V2_BINARY = "application/vnd.kafka.binary.v2+json";
export const KAFKA_V2_JSON_JSON = "application/vnd.kafka.json.v2+json";
export const KAFKA_V1_JSON = "application/vnd.kafka.v1+json";
export const KAFKA_V1_BINARY = "application/vnd.kafka.binary.v1+json";
export const KAFKA_V1_JSON_JSON = "application/vnd.kafka.json.v1+json";
export const KAFKA_JSON = "application/vnd.kafka+json";
export const JSON_TYPE = "application/json";

/** What v2 metadata and produce responses can be sent as: v2, the v1-era types, plain JSON. */
export const KAFKA_RESPONSE_TYPES = [KAFKA_V2_JSON, KAFKA_V1_JSON, KAFKA_JSON, JSON_TYPE] as const;

const KAFKA_MEDIA_TYPE =
  /^application\/vnd\.kafka(?:\.(binary|json|avro|protobuf|jsonschema))?(?:\.(v1|v2))?\+json$/;
const SCHEMA_FORMATS = new Set(["avro", "protobuf", "jsonschema"]);

export interface KafkaMediaType {
  format: string | undefined;
  version: "v1" | "v2" | undefined;
}

function essence(mediaType: string): string {
  return mediaType.split(";")[0].trim().toLowerCase();
}

/** Parses `application/vnd.kafka[.format][.version]+json`; undefined for any other type. */
export function parseKafkaMediaType(mediaType: string): KafkaMediaType | undefined {
  const match = KAFKA_MEDIA_TYPE.exec(essence(mediaType));
  if (!match) return undefined;
  return { format: match[1], version: match[2] as KafkaMediaType["version"] };
}

/**
 * The embedded format a produce request's Content-Type selects. v2 types must name binary or json;
 * the v1-era types without a format (vnd.kafka.v1+json, vnd.kafka+json) mean binary.
 */
export function produceFormat(contentType: string | undefined): EmbeddedFormat {
  const parsed = contentType ? parseKafkaMediaType(contentType) : undefined;
  if (parsed?.format && SCHEMA_FORMATS.has(parsed.format)) {
    throw new ProxyError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `The ${parsed.format} embedded format needs a schema registry, which this proxy does not provide. Send ${KAFKA_V2_BINARY} (base64 key and value) or ${KAFKA_V2_JSON_JSON} (JSON key and value) instead.`,
    );
  }
  if (parsed?.format === "binary" || parsed?.format === "json") return parsed.format;
  if (parsed && parsed.version !== "v2") return "binary";
  throw new ProxyError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    `HTTP 415 Unsupported Media Type: Content-Type ${contentType ? `'${contentType}'` : "is missing; it"} must name an embedded format: ${KAFKA_V2_BINARY} or ${KAFKA_V2_JSON_JSON}.`,
  );
}

/** Requests that carry a body must send one of these types (415 otherwise). */
export function requireContentType(contentType: string | undefined, allowed: readonly string[]): void {
  if (contentType && allowed.includes(essence(contentType))) return;
  throw new ProxyError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    `HTTP 415 Unsupported Media Type: Content-Type ${contentType ? `'${contentType}'` : "is missing; it"} must be ${allowed.join(" or ")}.`,
  );
}

interface AcceptRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): AcceptRange[] {
  return accept.split(",").flatMap((part) => {
    const [range, ...params] = part.split(";");
    const [type, subtype] = range.trim().toLowerCase().split("/");
    if (!type || !subtype) return [];
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split("=").map((s) => s.trim());
      if (name === "q") q = Number.isFinite(Number(value)) ? Number(value) : 0;
    }
    return [{ type, subtype, q }];
  });
}

function qualityOf(offered: string, ranges: AcceptRange[]): number {
  const [type, subtype] = offered.split("/");
  let best = -1;
  let specificity = -1;
  for (const range of ranges) {
    const typeMatches = range.type === "*" || range.type === type;
    const subtypeMatches = range.subtype === "*" || range.subtype === subtype;
    if (!typeMatches || !subtypeMatches) continue;
    const s = (range.type === "*" ? 0 : 1) + (range.subtype === "*" ? 0 : 1);
    if (s > specificity) {
      specificity = s;
      best = range.q;
    }
  }
  return best;
}

/**
 * Picks the offered media type the client prefers (Accept q-values, ties by the server's order);
 * no Accept header means the first offered type. Undefined when nothing offered is acceptable.
 */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (!accept || accept.trim() === "") return offered[0];
  const ranges = parseAccept(accept);
  let chosen: string | undefined;
  let chosenQ = 0;
  for (const type of offered) {
    const q = qualityOf(type, ranges);
    if (q > chosenQ) {
      chosen = type;
      chosenQ = q;
    }
  }
  return chosen;
}

/** Checks Accept before the route does any work and remembers the chosen response type. */
export function accepts(offered: readonly string[]): MiddlewareHandler<AppEnv> {
  const list = offered.join(", ");
  return async function accepts(c, next) {
    const chosen = negotiate(c.req.header("accept"), offered);
    if (!chosen) {
      throw new ProxyError(
        ErrorCode.NOT_ACCEPTABLE,
        `HTTP 406 Not Acceptable: this resource produces ${list}.`,
      );
    }
    c.set("responseType", chosen);
    await next();
  };
}

/** The embedded format a record-reading Accept type selects (json types read as JSON). */
export function readFormat(mediaType: string): EmbeddedFormat {
  return parseKafkaMediaType(mediaType)?.format === "json" ? "json" : "binary";
}
