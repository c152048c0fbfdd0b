import { ProxyError } from "../../errors.ts";
import { SinkError } from "../../sinks/types.ts";
import { type StateStore, stateKeys } from "../../state/types.ts";
import type { OffsetRange } from "./state.ts";

export interface RunError {
  message: string;
  /** Whether the next run may get past it by itself (server back, merges caught up). */
  retriable: boolean;
  /** ClickHouse's `Code: N`, when the server sent one. */
  serverCode?: number;
}

/** What one run (or one Lambda event) did. */
export interface RunReport {
  sink: string;
  /** inserted: rows written and offsets committed; idle: nothing to read; busy: another run holds the lease. */
  outcome: "inserted" | "idle" | "busy" | "failed";
  /** Records read (rows + skipped). */
  records: number;
  rows: number;
  skipped: number;
  /** The offsets the run covered, per partition. */
  ranges: OffsetRange[];
  /** True when the run re-sent a batch an earlier run sent but could not commit. */
  retry: boolean;
  /** True when the server was given a deduplication token (ClickHouse 22.2+). */
  deduplicated: boolean;
  startedAt: number;
  durationMs: number;
  error?: RunError;
}

/** A sink's running totals and last outcome, shared by every process through the StateStore. */
export interface SinkStats {
  /** never-run; ok: the last run succeeded; retrying: it failed but may pass; stopped: it cannot pass unaided. */
  status: "never-run" | "ok" | "retrying" | "stopped";
  recordsProcessed: number;
  rowsInserted: number;
  recordsSkipped: number;
  /** Records of failed runs, counted at every failure (a retried batch counts again). */
  recordsFailed: number;
  inserts: number;
  runs: number;
  failedRuns: number;
  lastRunAt: number | null;
  lastRunDurationMs: number | null;
  lastSuccessAt: number | null;
  lastError: (RunError & { at: number }) | null;
  lastRun: RunReport | null;
}

/** A failure as a report shows it; anything not classified is taken as transient. */
export function toRunError(error: unknown): RunError {
  if (error instanceof SinkError) {
    return { message: error.message, retriable: error.retriable, serverCode: error.serverCode };
  }
  if (error instanceof ProxyError) return { message: error.message, retriable: error.retriable };
  return { message: (error as Error)?.message ?? String(error), retriable: true };
}

export function emptyStats(): SinkStats {
  return {
    status: "never-run",
    recordsProcessed: 0,
    rowsInserted: 0,
    recordsSkipped: 0,
    recordsFailed: 0,
    inserts: 0,
    runs: 0,
    failedRuns: 0,
    lastRunAt: null,
    lastRunDurationMs: null,
    lastSuccessAt: null,
    lastError: null,
    lastRun: null,
  };
}

export async function readStats(store: StateStore, sink: string): Promise<SinkStats> {
  const stored = await store.get(stateKeys.sinkStats(sink));
  return stored ? { ...emptyStats(), ...(JSON.parse(stored.value) as SinkStats) } : emptyStats();
}

function apply(stats: SinkStats, report: RunReport): SinkStats {
  const next: SinkStats = {
    ...stats,
    runs: stats.runs + 1,
    lastRunAt: report.startedAt,
    lastRunDurationMs: report.durationMs,
    lastRun: report,
  };
  if (report.error) {
    next.status = report.error.retriable ? "retrying" : "stopped";
    next.failedRuns++;
    next.recordsFailed += report.records;
    next.lastError = { ...report.error, at: report.startedAt + report.durationMs };
    return next;
  }
  next.status = "ok";
  next.lastSuccessAt = report.startedAt + report.durationMs;
  next.recordsProcessed += report.records;
  next.rowsInserted += report.rows;
  next.recordsSkipped += report.skipped;
  if (report.rows > 0) next.inserts++;
  return next;
}

/** Adds a run's report to the totals (compare-and-set, so concurrent Lambda events all count). */
export async function recordRun(store: StateStore, report: RunReport): Promise<SinkStats> {
  const key = stateKeys.sinkStats(report.sink);
  for (let attempt = 0; attempt < 20; attempt++) {
    const stored = await store.get(key);
    const current = stored ? { ...emptyStats(), ...(JSON.parse(stored.value) as SinkStats) } : emptyStats();
    const next = apply(current, report);
    const written = await store.compareAndSet(key, stored?.version ?? null, JSON.stringify(next));
    if (written.ok) return next;
  }
  // Totals are reporting, not data: after this many collisions the run's own report still stands.
  return apply(await readStats(store, report.sink), report);
}
