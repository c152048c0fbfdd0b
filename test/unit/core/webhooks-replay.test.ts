import { describe, expect, it } from "vitest";
import { createDeliveryMemory } from "../../../src/core/webhooks/replay.ts";
import { createMemoryStateStore } from "../../../src/state/memory.ts";

/** A delivery memory on the memory store with a clock the test moves; sleeping advances it. */
function setup() {
  let now = 1_000_000;
  const store = createMemoryStateStore({ now: () => now });
  const memory = createDeliveryMemory({
    store,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { store, memory, advance: (ms: number) => (now += ms) };
}

const HOUR = 3_600_000;

describe("delivery memory", () => {
  it("lets one claim through and answers later ones with where the record went", async () => {
    const { memory } = setup();
    const first = await memory.claim("gh", "d1", HOUR);
    expect(first.claimed).toBe(true);
    if (!first.claimed) return;
    await memory.complete("gh", "d1", first.version, { partition: 2, offset: 40 }, HOUR);
    expect(await memory.claim("gh", "d1", HOUR)).toEqual({
      claimed: false,
      deliveredAt: { partition: 2, offset: 40 },
    });
    expect((await memory.claim("other-hook", "d1", HOUR)).claimed).toBe(true);
  });

  it("forgets a delivery once its window has passed", async () => {
    const { memory, advance } = setup();
    const first = await memory.claim("gh", "d1", 60_000);
    if (!first.claimed) throw new Error("not claimed");
    await memory.complete("gh", "d1", first.version, { partition: 0, offset: 0 }, 60_000);
    advance(60_001);
    expect((await memory.claim("gh", "d1", 60_000)).claimed).toBe(true);
  });

  it("frees a released claim for the sender's retry", async () => {
    const { memory, advance } = setup();
    const first = await memory.claim("gh", "d1", HOUR);
    if (!first.claimed) throw new Error("not claimed");
    await memory.release("gh", "d1", first.version);
    advance(1);
    expect((await memory.claim("gh", "d1", HOUR)).claimed).toBe(true);
  });

  it("frees the claim of a process that died before producing once its lease runs out", async () => {
    const { memory, advance } = setup();
    expect((await memory.claim("gh", "d1", HOUR)).claimed).toBe(true);
    advance(60_001);
    expect((await memory.claim("gh", "d1", HOUR)).claimed).toBe(true);
  });

  it("gives up with 409/40903 when the first delivery is still producing after 5 s", async () => {
    const { memory } = setup();
    await memory.claim("gh", "d1", HOUR);
    await expect(memory.claim("gh", "d1", HOUR)).rejects.toMatchObject({
      code: 40903,
      status: 409,
      retriable: true,
      message: "Delivery 'd1' is being produced by another request; retry it later.",
    });
  });

  it("leaves a claim alone that expired and was taken by another request", async () => {
    const { memory, advance } = setup();
    const stale = await memory.claim("gh", "d1", HOUR);
    advance(60_001);
    const fresh = await memory.claim("gh", "d1", HOUR);
    if (!stale.claimed || !fresh.claimed) throw new Error("not claimed");
    await memory.release("gh", "d1", stale.version);
    await memory.complete("gh", "d1", stale.version, { partition: 9, offset: 9 }, HOUR);
    await memory.complete("gh", "d1", fresh.version, { partition: 0, offset: 1 }, HOUR);
    expect(await memory.claim("gh", "d1", HOUR)).toEqual({
      claimed: false,
      deliveredAt: { partition: 0, offset: 1 },
    });
  });
});
