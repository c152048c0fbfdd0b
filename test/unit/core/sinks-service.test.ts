import { describe, expect, it } from "vitest";
import { createMemoryBackend } from "../../../src/backends/memory.ts";
import type { SinkDeps } from "../../../src/core/sinks/context.ts";
import { parseSinkDefinitions } from "../../../src/core/sinks/definition.ts";
import { scheduleSinks } from "../../../src/core/sinks/schedule.ts";
import { flushSink, runAllSinks } from "../../../src/core/sinks/service.ts";
import type { RunReport } from "../../../src/core/sinks/stats.ts";
import { createClickHouseSink } from "../../../src/sinks/clickhouse.ts";
import { createMemoryStateStore } from "../../../src/state/memory.ts";

const parsed = parseSinkDefinitions([
  { name: "s", topics: ["t"], clickhouse: { url: "http://127.0.0.1:9", table: "t" } },
]);
const sinks = parsed.ok ? parsed.sinks : [];

function deps(overrides: Partial<SinkDeps> = {}): SinkDeps {
  return {
    backend: createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 }),
    state: createMemoryStateStore(),
    sink: createClickHouseSink(),
    config: { sinks, sinkLeaseMs: 120_000 },
    ...overrides,
  };
}

describe("sink triggers", () => {
  it("runs nothing when no sinks are defined", async () => {
    expect(await runAllSinks(deps({ config: { sinks: [], sinkLeaseMs: 120_000 } }))).toEqual([]);
  });

  it("refuses to run sinks on a state store without compare-and-set (their lease needs it)", async () => {
    const state = { ...createMemoryStateStore(), name: "kv", atomic: false };
    await expect(flushSink(deps({ state }), "s")).rejects.toThrow(
      "Sinks need a state store with atomic compare-and-set for their leases; 'kv' has none.",
    );
  });

  it("says so when the entry built no sink adapter", async () => {
    await expect(runAllSinks(deps({ sink: undefined }))).rejects.toThrow(
      "Sinks are defined but this entry was built without a sink adapter.",
    );
  });

  it("answers 404 for a sink that is not defined", async () => {
    await expect(flushSink(deps(), "nope")).rejects.toMatchObject({
      code: 404,
      message: "Sink 'nope' not found.",
    });
  });

  it("runs the sinks every interval until stopped, and never after", async () => {
    const passes: RunReport[][] = [];
    const zeroWait = sinks.map((d) => ({ ...d, batch: { ...d.batch, maxWaitMs: 0 } }));
    const schedule = scheduleSinks(
      deps({ config: { sinks: zeroWait, sinkLeaseMs: 120_000 } }),
      20,
      (reports) => passes.push(reports),
    );
    while (passes.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await schedule.stop();
    const seen = passes.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(passes.length).toBe(seen);
    expect(passes[0]).toMatchObject([{ sink: "s", outcome: "idle" }]);
  });

  it("schedules nothing with interval 0", async () => {
    let called = false;
    const schedule = scheduleSinks(deps(), 0, () => {
      called = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await schedule.stop();
    expect(called).toBe(false);
  });
});
