/**
 * The part of autocannon 8's programmatic API that bench/produce.ts uses (the package ships no types
 * and @types/autocannon is not a dependency).
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    method?: "GET" | "POST" | "PUT" | "DELETE";
    headers?: Record<string, string>;
    body?: string | Buffer;
    title?: string;
  }

  export interface Histogram {
    average: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p99: number;
  }

  export interface Result {
    title?: string;
    url: string;
    connections: number;
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
    /** Milliseconds, 2xx responses only, whole-millisecond buckets. */
    latency: Histogram;
    /** Completed requests per one-second sample; `total` is every completed request. */
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  /** Emits `response` (client, statusCode, resBytes, responseTimeMs) per response; awaitable. */
  export interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
