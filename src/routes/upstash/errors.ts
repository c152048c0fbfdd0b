import type { Context } from "hono";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { errorHandler } from "../../middleware/error-handler.ts";
import type { AppEnv } from "../../types.ts";

/**
 * The Upstash envelope `{"error","status"}`. Always JSON: @upstash/kafka parses every response and
 * retries (five times, over 15.5 s) anything it cannot parse.
 */
export function upstashError(c: Context<AppEnv>, error: ProxyError): Response {
  return c.json({ error: error.message, status: error.status }, error.status as 400);
}

/** The dialect's error handler; 5xx are logged with the request id, like the Confluent routes'. */
export const handleUpstashError = errorHandler(upstashError);

export function badRequest(message: string): ProxyError {
  return new ProxyError(ErrorCode.BAD_REQUEST, message);
}
