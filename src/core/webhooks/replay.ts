import { ErrorCode, ProxyError } from "../../errors.ts";
import { type StateStore, stateKeys } from "../../state/types.ts";

/** Where a delivery's record went. */
export interface DeliveredAt {
  partition: number;
  offset: number;
}

type DeliveryState = { state: "pending" } | { state: "released" } | ({ state: "done" } & DeliveredAt);

export type Claim = { claimed: true; version: number } | { claimed: false; deliveredAt: DeliveredAt };

/**
 * How long a claimed delivery may stay unfinished. Past it, a process that died between claim
 * and produce no longer blocks the sender's retries; a produce slower than this may let a retry
 * produce the record a second time, which is a duplicate but never a loss.
 */
const PENDING_LEASE_MS = 60_000;
/** How long a duplicate that arrives while the first delivery is producing waits for its outcome. */
const WAIT_FOR_FIRST_MS = 5_000;
const POLL_MS = 25;

export interface DeliveryMemoryOptions {
  store: StateStore;
  now(): number;
  sleep?(ms: number): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Remembers delivery ids in the state store so a replayed delivery produces nothing. Claiming is
 * compare-and-set on an absent key: of two concurrent deliveries of one id exactly one claims it
 * and produces; the other waits for that outcome and reports the same partition and offset.
 */
export function createDeliveryMemory(options: DeliveryMemoryOptions) {
  const { store, now } = options;
  const sleep = options.sleep ?? defaultSleep;

  async function claim(webhook: string, deliveryId: string, windowMs: number): Promise<Claim> {
    const key = stateKeys.webhookDelivery(webhook, deliveryId);
    const pending = JSON.stringify({ state: "pending" } satisfies DeliveryState);
    const deadline = now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const result = await store.compareAndSet(key, null, pending, {
        ttlMs: Math.min(windowMs, PENDING_LEASE_MS),
      });
      if (result.ok) return { claimed: true, version: result.version };
      const current = await store.get(key);
      const state = current && (JSON.parse(current.value) as DeliveryState);
      if (state?.state === "done") {
        return { claimed: false, deliveredAt: { partition: state.partition, offset: state.offset } };
      }
      if (now() >= deadline) {
        throw new ProxyError(
          ErrorCode.ILLEGAL_STATE,
          `Delivery '${deliveryId}' is being produced by another request; retry it later.`,
          { retriable: true },
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** Marks a claimed delivery produced, for the rest of the window. */
  async function complete(
    webhook: string,
    deliveryId: string,
    version: number,
    at: DeliveredAt,
    windowMs: number,
  ): Promise<void> {
    const done: DeliveryState = { state: "done", ...at };
    await store.compareAndSet(stateKeys.webhookDelivery(webhook, deliveryId), version, JSON.stringify(done), {
      ttlMs: windowMs,
    });
  }

  /**
   * Gives a claim up after a failed produce, so the sender's retry can produce. The claim is
   * replaced by a marker that expires at once rather than deleted: the write is conditional on
   * our version, so a claim that already expired and was taken by another request is left alone.
   */
  async function release(webhook: string, deliveryId: string, version: number): Promise<void> {
    const released = JSON.stringify({ state: "released" } satisfies DeliveryState);
    await store.compareAndSet(stateKeys.webhookDelivery(webhook, deliveryId), version, released, {
      ttlMs: 1,
    });
  }

  return { claim, complete, release };
}

export type DeliveryMemory = ReturnType<typeof createDeliveryMemory>;
