/**
 * ClickHouse error bodies, old and new, and which codes are worth retrying. Old servers (≤ 21.x)
 * answer `Code: 60, e.displayText() = DB::Exception: Table t doesn't exist., e.what() = ...`, new
 * ones `Code: 60. DB::Exception: Table t does not exist. (UNKNOWN_TABLE) (version 23.4.1)`. The
 * HTTP status cannot decide retries: 18.16 answers 500 for parse errors newer servers answer 400 for.
 */

/**
 * Codes that the same batch may get past later (what the ClickHouse Kafka Connect sink retries):
 * server busy, read-only for a while, too many parts, network and timeouts, insert status unknown.
 */
const RETRIABLE_CODES = new Set([3, 159, 164, 202, 203, 209, 210, 242, 252, 285, 319, 425, 999, 1002]);

export interface ClickHouseErrorInfo {
  code: number | undefined;
  /** The message without the code prefix, the old `e.what()` tail or the new version suffix. */
  message: string;
  /** The error's name (UNKNOWN_TABLE), sent by new servers only. */
  name: string | undefined;
}

export function parseClickHouseError(body: string): ClickHouseErrorInfo {
  const text = body.trim();
  const codeMatch = /^Code: (\d+)[.,]\s*/.exec(text);
  if (!codeMatch) return { code: undefined, message: text.slice(0, 1000), name: undefined };
  let message = text.slice(codeMatch[0].length);
  message = message.replace(/^e\.displayText\(\) = /, "").replace(/^DB::Exception: /, "");
  message = message.replace(/, e\.what\(\) = [\s\S]*$/, "");
  const suffix = /\s*\(([A-Z][A-Z0-9_]+)\)(?: \(version [^)]*(?:\([^)]*\))?\))?\s*$/.exec(message);
  if (suffix) message = message.slice(0, suffix.index);
  message = message.replace(/\s*\(version [^)]*(?:\([^)]*\))?\)\s*$/, "");
  return { code: Number(codeMatch[1]), message: message.trim(), name: suffix?.[1] };
}

/**
 * Whether a failed insert may succeed when sent again unchanged: by the code when there is one,
 * else by the status (503, 408 and 429 are transient; other statuses without a code are not).
 */
export function isRetriable(code: number | undefined, status: number): boolean {
  if (code !== undefined) return RETRIABLE_CODES.has(code);
  return status === 503 || status === 502 || status === 504 || status === 408 || status === 429;
}
