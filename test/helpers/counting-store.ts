import type { StateStore } from "../../src/state/types.ts";

export type Operation = "get" | "put" | "compareAndSet" | "delete" | "list";

/** Wraps a StateStore and counts each operation, to measure state I/O per request. */
export function countingStore(
  inner: StateStore,
): StateStore & { counts: Record<Operation, number>; reset(): void } {
  const counts: Record<Operation, number> = { get: 0, put: 0, compareAndSet: 0, delete: 0, list: 0 };
  const counted =
    <A extends unknown[], R>(operation: Operation, call: (...args: A) => R) =>
    (...args: A): R => {
      counts[operation]++;
      return call(...args);
    };
  return {
    name: inner.name,
    atomic: inner.atomic,
    counts,
    reset() {
      for (const key of Object.keys(counts) as Operation[]) counts[key] = 0;
    },
    get: counted("get", (key: string) => inner.get(key)),
    put: counted("put", inner.put.bind(inner)),
    compareAndSet: counted("compareAndSet", inner.compareAndSet.bind(inner)),
    delete: counted("delete", (key: string) => inner.delete(key)),
    list: counted("list", (prefix: string) => inner.list(prefix)),
    close: () => inner.close(),
  };
}
