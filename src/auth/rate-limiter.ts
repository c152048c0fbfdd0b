import { type StateStore, stateKeys } from "../state/types.ts";

export interface RateLimiterOptions {
  store: StateStore;
  /** Requests allowed per window and principal. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * How often a count is re-read after losing its compare-and-set to a concurrent request. Every
 * round lets one of the racing requests through, so a burst of this many simultaneous requests
 * from one principal is still counted exactly.
 */
const MAX_CONFLICTS = 200;

/**
 * A fixed-window counter per principal in the StateStore, so every process, isolate and container
 * counts against the same limit. Each request reads the window's count and writes count + 1 with
 * compare-and-set; a lost race re-reads, so no request goes uncounted. Windows expire on their own.
 *
 * @example
 * const limiter = createRateLimiter({ store, limit: 600, windowMs: 60_000 });
 * const decision = await limiter.take("web-app");
 */
export function createRateLimiter(options: RateLimiterOptions) {
  const { store, limit, windowMs } = options;
  const now = options.now ?? Date.now;
  return {
    async take(principal: string): Promise<RateDecision> {
      for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
        const at = now();
        const windowStart = Math.floor(at / windowMs) * windowMs;
        const retryAfterMs = windowStart + windowMs - at;
        const key = stateKeys.rateLimit(principal, windowStart);
        const current = await store.get(key);
        const count = current ? Number(current.value) : 0;
        if (count >= limit) return { allowed: false, retryAfterMs };
        const written = await store.compareAndSet(key, current?.version ?? null, String(count + 1), {
          ttlMs: retryAfterMs + windowMs,
        });
        if (written.ok) return { allowed: true };
      }
      // Refusing is the safe side: this many simultaneous requests from one principal is the flood.
      return { allowed: false, retryAfterMs: 1000 };
    },
  };
}
