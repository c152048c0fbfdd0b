import type { SinkDeps } from "./context.ts";
import { runAllSinks } from "./service.ts";
import type { RunReport } from "./stats.ts";

export interface SinkSchedule {
  /** Stops scheduling and resolves once a pass in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Runs every polled sink each `intervalMs` in this process (the Node entry's timer; Workers and
 * Lambda have their own schedules). Passes never overlap here, and the sink leases keep other
 * processes out. A sink that filled its batch runs again at once, so a backlog drains at full
 * speed while a quiet topic is inserted at most once per interval. 0 schedules nothing.
 */
export function scheduleSinks(
  deps: SinkDeps,
  intervalMs: number,
  onPass: (reports: RunReport[]) => void,
): SinkSchedule {
  if (intervalMs <= 0 || deps.config.sinks.length === 0) return { stop: async () => undefined };
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const limits = new Map(deps.config.sinks.map((d) => [d.name, d.batch.maxRows]));

  async function pass(): Promise<void> {
    const reports = await runAllSinks(deps).catch(() => [] as RunReport[]);
    onPass(reports);
    if (stopped) return;
    const full = reports.some((r) => r.outcome === "inserted" && r.records >= (limits.get(r.sink) ?? 0));
    timer = setTimeout(
      () => {
        running = pass();
      },
      full ? 0 : intervalMs,
    );
  }

  timer = setTimeout(() => {
    running = pass();
  }, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
