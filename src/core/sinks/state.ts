import { type StateStore, stateKeys } from "../../state/types.ts";

/** An offset range of one partition, both ends included. */
export interface OffsetRange {
  topic: string;
  partition: number;
  first: number;
  last: number;
}

/**
 * A batch sent to the server but not yet committed to Kafka. The next run re-reads exactly these
 * ranges and sends them again with the same deduplication token, so a retry is the same insert.
 */
export interface PendingBatch {
  ranges: OffsetRange[];
  token: string;
  since: number;
}

export interface Lease {
  key: string;
  version: number;
}

const RELEASED = "released";

/**
 * Takes the sink's lease, or returns undefined when another run holds it. The lease expires by
 * itself after `ttlMs`, so a run that died never blocks the sink for longer.
 */
export async function acquireLease(
  store: StateStore,
  sink: string,
  owner: string,
  ttlMs: number,
): Promise<Lease | undefined> {
  const key = stateKeys.sinkLease(sink);
  const current = await store.get(key);
  if (current && current.value !== RELEASED) return undefined;
  const taken = await store.compareAndSet(key, current?.version ?? null, JSON.stringify({ owner }), {
    ttlMs,
  });
  return taken.ok ? { key, version: taken.version } : undefined;
}

/** Extends the lease for `ttlMs` from now; false when it was lost (expired and taken by another run). */
export async function renewLease(
  store: StateStore,
  lease: Lease,
  owner: string,
  ttlMs: number,
): Promise<boolean> {
  const renewed = await store.compareAndSet(lease.key, lease.version, JSON.stringify({ owner }), { ttlMs });
  if (renewed.ok) lease.version = renewed.version;
  return renewed.ok;
}

/** Gives the lease up if it is still ours (a write conditional on its version). */
export async function releaseLease(store: StateStore, lease: Lease): Promise<void> {
  await store.compareAndSet(lease.key, lease.version, RELEASED, { ttlMs: 60_000 });
}

export async function readPending(store: StateStore, sink: string): Promise<PendingBatch | undefined> {
  const stored = await store.get(stateKeys.sinkPending(sink));
  return stored && (JSON.parse(stored.value) as PendingBatch);
}

export async function writePending(store: StateStore, sink: string, batch: PendingBatch): Promise<void> {
  await store.put(stateKeys.sinkPending(sink), JSON.stringify(batch));
}

export async function clearPending(store: StateStore, sink: string): Promise<void> {
  await store.delete(stateKeys.sinkPending(sink));
}
