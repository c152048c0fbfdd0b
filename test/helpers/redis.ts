import { execFileSync } from "node:child_process";

/**
 * The Redis the tests use: REDIS_URL when given, else a private redis-server that
 * scripts/redis.sh starts (idempotent) on port 16379.
 */
export function redisUrl(): string {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  return execFileSync("bash", ["scripts/redis.sh", "start"], { encoding: "utf8" }).trim();
}
