import type { KVNamespace } from "@cloudflare/workers-types";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { CasResult, Entry, StateStore, Versioned, WriteOptions } from "./types.ts";

export interface KvStateStoreOptions {
  /** The KV namespace binding (wrangler.toml `[[kv_namespaces]]`). */
  namespace: KVNamespace;
  /** Prepended to every key, so several deployments can share one namespace. */
  keyPrefix?: string;
}

/** Kept in each key's KV metadata: v = version, e = expiry in ms since the epoch (null: none). */
interface Stamp {
  v: number;
  e: number | null;
}

/** KV refuses expirations under a minute; reads judge the exact expiry from the stamp. */
const KV_MIN_EXPIRATION_TTL_S = 60;
/** KV's bulk read takes at most this many keys. */
const KV_BULK_GET = 100;

const isLive = (stamp: Stamp | null, now: number): stamp is Stamp =>
  stamp !== null && (stamp.e === null || stamp.e > now);

/** A same-key write faster than KV allows fails with a 429; that is the client's to retry. */
function rethrow(error: unknown): never {
  if (error instanceof Error && /\b429\b/.test(error.message)) {
    throw new ProxyError(
      ErrorCode.TOO_MANY_REQUESTS,
      "Workers KV accepts about one write per second per key: this consumer instance was changed too often. Retry, or use STATE_STORE=durable-object.",
      { cause: error, retriable: true },
    );
  }
  throw error;
}

/**
 * State in Workers KV. KV is eventually consistent (a write can take 60 s or more to be seen in
 * other locations, and so can a delete or a new key), has no compare-and-set, and takes about one
 * write per second per key. compareAndSet here is a read then a write, so two writers can both
 * win; versions come from the clock, so two isolates writing in the same millisecond may not
 * order. Hence `atomic: false`: fine for one client reading a consumer at most once a second,
 * not for concurrent readers. STATE_STORE=durable-object is the store for consumers.
 *
 * @example
 * createKvStateStore({ namespace: env.STATE_KV, keyPrefix: "kep:" })
 */
export function createKvStateStore(options: KvStateStoreOptions): StateStore {
  const kv = options.namespace;
  const prefix = options.keyPrefix ?? "kep:";
  let lastVersion = 0;

  // Microseconds since the epoch plus a random part, so isolates writing the same key rarely tie;
  // within this isolate strictly increasing, even when the clock stands still between writes.
  function nextVersion(): number {
    const fromClock = Date.now() * 1000 + Math.floor(Math.random() * 1000);
    lastVersion = Math.max(fromClock, lastVersion + 1);
    return lastVersion;
  }

  async function read(key: string): Promise<Versioned | undefined> {
    const { value, metadata } = await kv.getWithMetadata<Stamp>(prefix + key, "text");
    if (value === null || !isLive(metadata, Date.now())) return undefined;
    return { value, version: metadata.v };
  }

  async function write(key: string, value: string, { ttlMs }: WriteOptions = {}): Promise<number> {
    const version = nextVersion();
    const stamp: Stamp = { v: version, e: ttlMs === undefined ? null : Date.now() + ttlMs };
    const expirationTtl =
      ttlMs === undefined ? undefined : Math.max(KV_MIN_EXPIRATION_TTL_S, Math.ceil(ttlMs / 1000));
    await kv.put(prefix + key, value, { metadata: stamp, expirationTtl }).catch(rethrow);
    return version;
  }

  return {
    name: "kv",
    atomic: false,
    get: read,
    put: write,
    async compareAndSet(key, expected, value, writeOptions): Promise<CasResult> {
      if (((await read(key))?.version ?? null) !== expected) return { ok: false };
      return { ok: true, version: await write(key, value, writeOptions) };
    },
    async delete(key) {
      const existed = (await read(key)) !== undefined;
      await kv.delete(prefix + key);
      return existed;
    },
    async list(keyPrefix): Promise<Entry[]> {
      const now = Date.now();
      const names: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await kv.list<Stamp>({ prefix: prefix + keyPrefix, cursor });
        for (const key of page.keys) if (isLive(key.metadata ?? null, now)) names.push(key.name);
        if (page.list_complete) break;
        cursor = page.cursor;
      }
      const entries: Entry[] = [];
      for (let i = 0; i < names.length; i += KV_BULK_GET) {
        const found = await kv.getWithMetadata<Stamp>(names.slice(i, i + KV_BULK_GET), "text");
        for (const [name, { value, metadata }] of found) {
          if (value === null || !isLive(metadata, now)) continue;
          entries.push({ key: name.slice(prefix.length), value, version: metadata.v });
        }
      }
      return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async close() {},
  };
}
