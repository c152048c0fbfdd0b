import type { Context } from "hono";
import type { ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

/**
 * The Upstash dialect's envelope `{"error","status"}`, for its routes and for refusals by app-wide
 * middleware (authentication, rate limit, body limit) of requests to it. Always JSON: its client
 * parses every response and retries (five times, over 15.5 s) anything it cannot parse.
 */
export function upstashRefusal(c: Context<AppEnv>, error: ProxyError): Response {
  return c.json({ error: error.message, status: error.status }, error.status as 401);
}

/** Whether a path belongs to the Upstash dialect mounted at `prefix`. */
export function isUpstashPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
