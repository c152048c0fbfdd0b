import type { Context } from "hono";
import type { ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

/**
 * A refusal by app-wide middleware (authentication, rate limit) of a request to the Upstash
 * dialect, in that dialect's envelope `{"error","status"}`: its client reads no other.
 */
export function upstashRefusal(c: Context<AppEnv>, error: ProxyError): Response {
  return c.json({ error: error.message, status: error.status }, error.status as 401);
}

/** Whether a path belongs to the Upstash dialect mounted at `prefix`. */
export function isUpstashPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
