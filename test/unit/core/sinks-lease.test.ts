import { describe, expect, it } from "vitest";
import { acquireLease, releaseLease, renewLease } from "../../../src/core/sinks/state.ts";
import { createMemoryStateStore } from "../../../src/state/memory.ts";

describe("sink leases", () => {
  it("lets one run hold a sink until it releases the lease", async () => {
    const store = createMemoryStateStore();
    const first = await acquireLease(store, "s", "a", 1000);
    expect(first).toBeDefined();
    expect(await acquireLease(store, "s", "b", 1000)).toBeUndefined();
    await releaseLease(store, first as NonNullable<typeof first>);
    expect(await acquireLease(store, "s", "b", 1000)).toBeDefined();
  });

  it("frees the sink when a run died holding it, and the late run can neither renew nor release it", async () => {
    let now = 0;
    const store = createMemoryStateStore({ now: () => now });
    const dead = await acquireLease(store, "s", "a", 1000);
    now = 999;
    expect(await acquireLease(store, "s", "b", 1000)).toBeUndefined();
    now = 1000;
    const next = await acquireLease(store, "s", "b", 1000);
    expect(next).toBeDefined();
    const late = dead as NonNullable<typeof dead>;
    expect(await renewLease(store, late, "a", 1000)).toBe(false);
    await releaseLease(store, late);
    expect(await acquireLease(store, "s", "c", 1000)).toBeUndefined();
  });

  it("extends a held lease on renewal", async () => {
    let now = 0;
    const store = createMemoryStateStore({ now: () => now });
    const lease = await acquireLease(store, "s", "a", 1000);
    now = 900;
    expect(await renewLease(store, lease as NonNullable<typeof lease>, "a", 1000)).toBe(true);
    now = 1500;
    expect(await acquireLease(store, "s", "b", 1000)).toBeUndefined();
  });
});
