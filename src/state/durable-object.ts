import { DurableObject } from "cloudflare:workers";
import type { DurableObjectNamespace, DurableObjectState, SqlStorage } from "@cloudflare/workers-types";
import type { CasResult, Entry, StateStore, Versioned, WriteOptions } from "./types.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  version INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS entries_by_expiry ON entries (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shards (name TEXT PRIMARY KEY);`;

type Row = { key: string; value: string; version: number };

/** A write's new version, and whether the key was absent (or expired) before it. */
export interface Written {
  version: number;
  created: boolean;
}

/**
 * One shard of the state store: a SQLite-backed Durable Object holding the keys of one consumer
 * group. A Durable Object runs one request at a time and nothing below awaits between reading and
 * writing, so every method is atomic; expired keys read as absent at once and an alarm deletes
 * them later.
 */
export class ConsumerGroupDO extends DurableObject<Record<string, unknown>> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  get(key: string): Versioned | null {
    return this.live(key, Date.now()) ?? null;
  }

  async put(key: string, value: string, ttlMs: number | null): Promise<Written> {
    const now = Date.now();
    const created = this.live(key, now) === undefined;
    const expiresAt = ttlMs === null ? null : now + ttlMs;
    const version = this.write(key, value, expiresAt);
    await this.expireAt(expiresAt);
    return { version, created };
  }

  /** Null when the key's version is not `expected` (null expected: the key must be absent). */
  async compareAndSet(
    key: string,
    expected: number | null,
    value: string,
    ttlMs: number | null,
  ): Promise<Written | null> {
    const now = Date.now();
    if ((this.live(key, now)?.version ?? null) !== expected) return null;
    const expiresAt = ttlMs === null ? null : now + ttlMs;
    const version = this.write(key, value, expiresAt);
    await this.expireAt(expiresAt);
    return { version, created: expected === null };
  }

  delete(key: string): boolean {
    const existed = this.live(key, Date.now()) !== undefined;
    this.sql.exec("DELETE FROM entries WHERE key = ?", key);
    return existed;
  }

  list(prefix: string): Entry[] {
    return this.sql
      .exec<Row>(
        `SELECT key, value, version FROM entries
         WHERE substr(key, 1, length(?)) = ? AND (expires_at IS NULL OR expires_at > ?)`,
        prefix,
        prefix,
        Date.now(),
      )
      .toArray()
      .map(({ key, value, version }) => ({ key, value, version }));
  }

  /** The root object's directory of the other objects, for lists that span them. */
  registerShard(name: string): void {
    this.sql.exec("INSERT OR IGNORE INTO shards (name) VALUES (?)", name);
  }

  /** Registered objects that may hold keys starting with `prefix`. */
  shardsFor(prefix: string): string[] {
    return this.sql
      .exec<{ name: string }>(
        "SELECT name FROM shards WHERE substr(name || ':', 1, length(?)) = ?",
        prefix,
        prefix,
      )
      .toArray()
      .map((row) => row.name);
  }

  override async alarm(): Promise<void> {
    this.sql.exec("DELETE FROM entries WHERE expires_at <= ?", Date.now());
    const { next } = this.sql
      .exec<{ next: number | null }>("SELECT MIN(expires_at) AS next FROM entries")
      .one();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private live(key: string, now: number): Versioned | undefined {
    const [row] = this.sql
      .exec<Row>(
        "SELECT value, version FROM entries WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
        key,
        now,
      )
      .toArray();
    return row && { value: row.value, version: row.version };
  }

  // Versions come from one counter per object, so a key deleted and written again never reuses
  // a version that a stale reader may still hold.
  private write(key: string, value: string, expiresAt: number | null): number {
    const { version } = this.sql
      .exec<{ version: number }>(
        `INSERT INTO counters (name, value) VALUES ('version', 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value AS version`,
      )
      .one();
    this.sql.exec(
      `INSERT INTO entries (key, value, version, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version,
         expires_at = excluded.expires_at`,
      key,
      value,
      version,
      expiresAt,
    );
    return version;
  }

  private async expireAt(expiresAt: number | null): Promise<void> {
    if (expiresAt === null) return;
    const scheduled = await this.ctx.storage.getAlarm();
    if (scheduled === null || scheduled > expiresAt) await this.ctx.storage.setAlarm(expiresAt);
  }
}

export interface DurableObjectStateStoreOptions {
  /** The binding of ConsumerGroupDO (wrangler.toml `[[durable_objects.bindings]]`). */
  namespace: DurableObjectNamespace<ConsumerGroupDO>;
  /** Prepended to every object name, so several deployments can share one namespace. */
  keyPrefix?: string;
}

const ROOT_SHARD = "";
const byKey = (a: Entry, b: Entry) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The object that holds a key: the one named by the key's first two ':'-separated parts, so every
 * instance of a consumer group (`consumer:{group}:{instance}`, as stateKeys builds it) shares one
 * object. Keys with fewer parts live in the root object "". A list whose prefix stops before the
 * second ':' (every consumer of every group) asks the root for the objects it has registered.
 */
function shardOf(keyOrPrefix: string): string {
  const first = keyOrPrefix.indexOf(":");
  const second = first < 0 ? -1 : keyOrPrefix.indexOf(":", first + 1);
  return second < 0 ? ROOT_SHARD : keyOrPrefix.slice(0, second);
}

/**
 * State in SQLite-backed Durable Objects, one object per consumer group: strongly consistent,
 * with atomic compare-and-set, shared by every isolate of the Worker. The store to use for
 * consumers on Workers.
 *
 * @example
 * createDurableObjectStateStore({ namespace: env.CONSUMER_GROUPS, keyPrefix: "kep:" })
 */
export function createDurableObjectStateStore(options: DurableObjectStateStoreOptions): StateStore {
  const prefix = options.keyPrefix ?? "kep:";
  const object = (shard: string) => options.namespace.getByName(prefix + shard);
  const ttlOf = ({ ttlMs }: WriteOptions = {}) => ttlMs ?? null;

  // A key that did not exist makes its object known to the root, so that lists spanning objects
  // find it; once per key creation (consumer instance, delivery), never on updates.
  async function registered(key: string, written: Written): Promise<number> {
    const shard = shardOf(key);
    if (written.created && shard !== ROOT_SHARD) await object(ROOT_SHARD).registerShard(shard);
    return written.version;
  }

  return {
    name: "durable-object",
    atomic: true,
    async get(key) {
      return (await object(shardOf(key)).get(key)) ?? undefined;
    },
    async put(key, value, writeOptions) {
      return registered(key, await object(shardOf(key)).put(key, value, ttlOf(writeOptions)));
    },
    async compareAndSet(key, expected, value, writeOptions): Promise<CasResult> {
      const written = await object(shardOf(key)).compareAndSet(key, expected, value, ttlOf(writeOptions));
      return written === null ? { ok: false } : { ok: true, version: await registered(key, written) };
    },
    async delete(key) {
      return object(shardOf(key)).delete(key);
    },
    async list(keyPrefix): Promise<Entry[]> {
      const shard = shardOf(keyPrefix);
      if (shard !== ROOT_SHARD) return (await object(shard).list(keyPrefix)).sort(byKey);
      const root = object(ROOT_SHARD);
      const shards = await root.shardsFor(keyPrefix);
      const lists = await Promise.all([
        root.list(keyPrefix),
        ...shards.map((s) => object(s).list(keyPrefix)),
      ]);
      return lists.flat().sort(byKey);
    },
    async close() {},
  };
}
