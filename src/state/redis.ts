import { Redis } from "ioredis";
import type { CasResult, Entry, StateStore, WriteOptions } from "./types.ts";

export interface RedisStateStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prepended to every key, so several proxies (or tests) can share one database. */
  keyPrefix?: string;
}

// Each key is a hash {v: value, n: version}. The version comes from one shared counter so that a
// key deleted and written again never reuses a version a stale reader may still hold.
const VERSION_COUNTER = "__version__";

const WRITE = `
local version = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'n', version)
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('PERSIST', KEYS[1]) end
return version`;

const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'n')
if ARGV[3] == '' then
  if current then return -1 end
elseif current ~= ARGV[3] then
  return -1
end
local version = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'n', version)
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('PERSIST', KEYS[1]) end
return version`;

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * State in Redis, shared by every process that points at the same database. Writes and
 * compare-and-set run as Lua scripts, so they are atomic; expiry is Redis's own PEXPIRE.
 */
export function createRedisStateStore(options: RedisStateStoreOptions): StateStore {
  const prefix = options.keyPrefix ?? "kep:";
  const redis = new Redis(options.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  redis.defineCommand("kepWrite", { numberOfKeys: 2, lua: WRITE });
  redis.defineCommand("kepCas", { numberOfKeys: 2, lua: COMPARE_AND_SET });
  const counter = `${prefix}${VERSION_COUNTER}`;
  const scripts = redis as unknown as {
    kepWrite(key: string, counter: string, value: string, ttl: number): Promise<number>;
    kepCas(key: string, counter: string, value: string, ttl: number, expected: string): Promise<number>;
  };
  const ttlOf = ({ ttlMs }: WriteOptions = {}) => (ttlMs === undefined ? 0 : Math.max(1, Math.ceil(ttlMs)));

  return {
    name: "redis",
    atomic: true,
    async get(key) {
      const [value, version] = await redis.hmget(prefix + key, "v", "n");
      if (value === null || version === null) return undefined;
      return { value, version: Number(version) };
    },
    async put(key, value, writeOptions) {
      return Number(await scripts.kepWrite(prefix + key, counter, value, ttlOf(writeOptions)));
    },
    async compareAndSet(key, expected, value, writeOptions): Promise<CasResult> {
      const version = Number(
        await scripts.kepCas(
          prefix + key,
          counter,
          value,
          ttlOf(writeOptions),
          expected === null ? "" : String(expected),
        ),
      );
      return version < 0 ? { ok: false } : { ok: true, version };
    },
    async delete(key) {
      return (await redis.del(prefix + key)) > 0;
    },
    async list(keyPrefix): Promise<Entry[]> {
      // SCAN walks the whole database: fine for the few hundred keys a consumer group has.
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await redis.scan(
          cursor,
          "MATCH",
          `${escapeGlob(prefix + keyPrefix)}*`,
          "COUNT",
          1000,
        );
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0");
      if (keys.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.hmget(key, "v", "n");
      const replies = (await pipeline.exec()) ?? [];
      const entries: Entry[] = [];
      replies.forEach(([error, reply], i) => {
        const [value, version] = (reply ?? []) as Array<string | null>;
        if (error || value == null || version == null) return;
        entries.push({ key: keys[i].slice(prefix.length), value, version: Number(version) });
      });
      return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async close() {
      redis.disconnect();
    },
  };
}
