/**
 * The state port: a small key-value store with versions, so that any process, Worker isolate or
 * Lambda container can read-modify-write shared state safely. Values are strings (callers store
 * JSON). Every successful write gives the key a new, higher version; compareAndSet writes only
 * when the caller's version is still current. Expired keys read as absent.
 */

export interface Versioned {
  value: string;
  version: number;
}

export interface Entry extends Versioned {
  key: string;
}

export interface WriteOptions {
  /** Time to live in ms; the key reads as absent once it passes. Undefined: no expiry. */
  ttlMs?: number;
}

export type CasResult = { ok: true; version: number } | { ok: false };

export interface StateStore {
  /** Short name for logs and docs: "memory", "redis", "durable-object", "kv". */
  readonly name: string;
  /** Whether compareAndSet is atomic; false for eventually consistent stores (Workers KV). */
  readonly atomic: boolean;
  get(key: string): Promise<Versioned | undefined>;
  /** Writes unconditionally and returns the new version. */
  put(key: string, value: string, options?: WriteOptions): Promise<number>;
  /**
   * Writes only if the key's current version equals `expected` (null: only if the key is absent).
   */
  compareAndSet(
    key: string,
    expected: number | null,
    value: string,
    options?: WriteOptions,
  ): Promise<CasResult>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Live entries whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<Entry[]>;
  close(): Promise<void>;
}

const part = (text: string) => encodeURIComponent(text);

/**
 * Every key the proxy stores is built here. Parts are URI-encoded so that a ':' inside a group or
 * instance name can never make one group's prefix match another group's keys.
 */
export const stateKeys = {
  /** Every consumer instance of every group (the Upstash dialect's GET /consumers). */
  allConsumersPrefix: () => "consumer:",
  consumerGroupPrefix: (group: string) => `consumer:${part(group)}:`,
  consumer: (group: string, instance: string) => `consumer:${part(group)}:${part(instance)}`,
  /** Requests a principal made in one rate-limit window (a window's start, in ms). */
  rateLimit: (principal: string, windowStart: number) => `ratelimit:${part(principal)}:${windowStart}`,
  webhookDelivery: (webhook: string, deliveryId: string) => `webhook:${part(webhook)}:${part(deliveryId)}`,
  /** The lease one run of a sink holds, the batch it is inserting, and its stats. */
  sinkLease: (sink: string) => `sink:${part(sink)}:lease`,
  sinkPending: (sink: string) => `sink:${part(sink)}:pending`,
  sinkStats: (sink: string) => `sink:${part(sink)}:stats`,
};
