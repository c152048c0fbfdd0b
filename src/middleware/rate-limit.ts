import type { MiddlewareHandler } from "hono";
import { createRateLimiter } from "../auth/rate-limiter.ts";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { StateStore } from "../state/types.ts";
import type { AppEnv } from "../types.ts";
import { isUpstashPath, upstashRefusal } from "./upstash-envelope.ts";

export interface RateLimitOptions {
  store: StateStore;
  perMinute: number;
  /** Whether requests carry a principal; when off, all of them share one "anonymous" budget. */
  authEnabled: boolean;
  /** Where the Upstash dialect is mounted: its clients get 429 in its own envelope. */
  upstashPrefix: string;
  now?: () => number;
}

const ANONYMOUS = "anonymous";

/**
 * 429 in the error envelope, with Retry-After in whole seconds, once a principal has made
 * `perMinute` requests in the current minute. Public routes (health checks, webhooks) have no
 * principal when authentication is on and are not counted.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const limiter = createRateLimiter({
    store: options.store,
    limit: options.perMinute,
    windowMs: 60_000,
    now: options.now,
  });
  return async function rateLimit(c, next) {
    const principal = c.var.principal?.name ?? (options.authEnabled ? undefined : ANONYMOUS);
    if (principal === undefined) return next();
    const decision = await limiter.take(principal);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      c.header("Retry-After", String(seconds));
      const error = new ProxyError(
        ErrorCode.TOO_MANY_REQUESTS,
        `Rate limit exceeded: at most ${options.perMinute} requests per minute (RATE_LIMIT_PER_MINUTE); retry in ${seconds} s.`,
      );
      if (isUpstashPath(c.req.path, options.upstashPrefix)) return upstashRefusal(c, error);
      throw error;
    }
    return next();
  };
}
