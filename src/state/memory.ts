import type { CasResult, Entry, StateStore, Versioned, WriteOptions } from "./types.ts";

interface Slot extends Versioned {
  expiresAt: number;
}

export interface MemoryStateStoreOptions {
  now?: () => number;
}

/**
 * State in this process only: strongly consistent and atomic (JavaScript runs one callback at a
 * time), but not shared. The default for a single Node process and for tests.
 */
export function createMemoryStateStore(options: MemoryStateStoreOptions = {}): StateStore {
  const now = options.now ?? Date.now;
  const slots = new Map<string, Slot>();
  let lastVersion = 0;

  function live(key: string): Slot | undefined {
    const slot = slots.get(key);
    if (slot && slot.expiresAt <= now()) {
      slots.delete(key);
      return undefined;
    }
    return slot;
  }

  function write(key: string, value: string, { ttlMs }: WriteOptions = {}): number {
    const version = ++lastVersion;
    slots.set(key, {
      value,
      version,
      expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs,
    });
    return version;
  }

  return {
    name: "memory",
    atomic: true,
    async get(key) {
      const slot = live(key);
      return slot && { value: slot.value, version: slot.version };
    },
    async put(key, value, options) {
      return write(key, value, options);
    },
    async compareAndSet(key, expected, value, options): Promise<CasResult> {
      const current = live(key)?.version ?? null;
      if (current !== expected) return { ok: false };
      return { ok: true, version: write(key, value, options) };
    },
    async delete(key) {
      const existed = live(key) !== undefined;
      slots.delete(key);
      return existed;
    },
    async list(prefix): Promise<Entry[]> {
      const entries: Entry[] = [];
      for (const key of slots.keys()) {
        if (!key.startsWith(prefix)) continue;
        const slot = live(key);
        if (slot) entries.push({ key, value: slot.value, version: slot.version });
      }
      return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async close() {
      slots.clear();
    },
  };
}
