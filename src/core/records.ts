import { ErrorCode, ProxyError } from "../errors.ts";
import { decodeBase64, encodeBase64 } from "../utils/base64.ts";
import { fromUtf8, utf8 } from "../utils/bytes.ts";

/** How keys and values travel in JSON bodies: base64 strings, or JSON values. */
export type EmbeddedFormat = "binary" | "json";

function describe(data: unknown): string {
  const text = JSON.stringify(data) ?? String(data);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

/**
 * The bytes a key or value becomes. JSON null or absent means a null key/value in Kafka.
 * binary: the base64 string decoded (400 otherwise, like Confluent); json: the JSON text.
 */
export function toBytes(format: EmbeddedFormat, data: unknown): Uint8Array | null {
  if (data === null || data === undefined) return null;
  if (format === "json") return utf8(JSON.stringify(data));
  const bytes = typeof data === "string" ? decodeBase64(data) : undefined;
  if (!bytes) {
    throw new ProxyError(
      ErrorCode.BAD_REQUEST,
      `Bad Request: data=${describe(data)} is not a base64 string.`,
    );
  }
  return bytes;
}

/**
 * A key or value as it appears in a read response. binary: base64; json: the parsed JSON, and a
 * record that is not JSON fails the read with 40801 as it does on Confluent.
 */
export function fromBytes(format: EmbeddedFormat, bytes: Uint8Array | null): unknown {
  if (bytes === null) return null;
  if (format === "binary") return encodeBase64(bytes);
  const text = fromUtf8(bytes);
  try {
    if (text === undefined) throw new Error("not UTF-8");
    return JSON.parse(text);
  } catch {
    throw new ProxyError(
      ErrorCode.DESERIALIZATION,
      "Cannot deserialize a record as JSON: read it with the binary format instead.",
    );
  }
}
