import { ErrorCode, ProxyError } from "../../errors.ts";
import { type SinkContext, type SinkDeps, sinkContext } from "./context.ts";
import type { SinkDefinition } from "./definition.ts";
import { runSink, runSinks, sinkPartitions, startOffsets } from "./run.ts";
import { type RunReport, readStats, type SinkStats } from "./stats.ts";

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's next offset (its commit, else the log start). */
  committed: number;
  end: number;
  lag: number;
}

/** A sink as GET /sinks shows it: its definition (no password), stats and lag. */
export interface SinkStatus extends SinkStats {
  name: string;
  topics: string[];
  group: string;
  table: string;
  source: SinkDefinition["source"];
  lag: PartitionLag[] | null;
  /** Why lag is null: Kafka could not be asked. */
  lagError?: string;
}

function contextOf(deps: SinkDeps): SinkContext {
  const ctx = sinkContext(deps);
  if (!ctx) {
    throw new ProxyError(
      ErrorCode.INTERNAL,
      "Sinks are defined but this entry was built without a sink adapter.",
    );
  }
  if (!ctx.store.atomic) {
    // Without compare-and-set two runs could both take the lease and insert the same range.
    throw new ProxyError(
      ErrorCode.INTERNAL,
      `Sinks need a state store with atomic compare-and-set for their leases; '${ctx.store.name}' has none.`,
    );
  }
  return ctx;
}

function definitionOf(deps: SinkDeps, name: string): SinkDefinition {
  const definition = deps.config.sinks.find((d) => d.name === name);
  if (!definition) throw new ProxyError(ErrorCode.NOT_FOUND, `Sink '${name}' not found.`);
  return definition;
}

export interface RunAllOptions {
  /**
   * How long to keep going while sinks fill their batches (a backlog): passes repeat for the sinks
   * whose last run took a full batch until this time is spent. 0 (the default): one pass.
   */
  budgetMs?: number;
}

/**
 * Runs every polled sink (all at once), what a schedule calls: the Workers cron, the Lambda
 * schedule, the Node timer. Returns every run's report.
 */
export async function runAllSinks(deps: SinkDeps, options: RunAllOptions = {}): Promise<RunReport[]> {
  if (deps.config.sinks.length === 0) return [];
  const ctx = contextOf(deps);
  const deadline = ctx.now() + (options.budgetMs ?? 0);
  const reports: RunReport[] = [];
  let due = deps.config.sinks;
  do {
    const pass = await runSinks(ctx, due);
    reports.push(...pass);
    due = due.filter((d) =>
      pass.some((r) => r.sink === d.name && r.outcome === "inserted" && r.records >= d.batch.maxRows),
    );
  } while (due.length > 0 && ctx.now() < deadline);
  return reports;
}

/** Runs one sink now (POST /sinks/{name}/flush). Throws 404 for an unknown sink. */
export async function flushSink(deps: SinkDeps, name: string): Promise<RunReport> {
  const definition = definitionOf(deps, name);
  return runSink(contextOf(deps), definition);
}

async function lagOf(ctx: SinkContext, definition: SinkDefinition): Promise<PartitionLag[]> {
  const start = await startOffsets(ctx, definition, await sinkPartitions(ctx, definition));
  return start.map((s) => ({
    topic: s.topic,
    partition: s.partition,
    committed: s.offset,
    end: s.end,
    lag: Math.max(0, s.end - s.offset),
  }));
}

export async function sinkStatus(deps: SinkDeps, name: string): Promise<SinkStatus> {
  const definition = definitionOf(deps, name);
  const ctx = contextOf(deps);
  const stats = await readStats(ctx.store, name);
  let lag: PartitionLag[] | null = null;
  let lagError: string | undefined;
  try {
    lag = await lagOf(ctx, definition);
  } catch (error) {
    lagError = (error as Error).message;
  }
  return {
    name,
    topics: definition.topics,
    group: definition.group,
    table: `${definition.clickhouse.database}.${definition.clickhouse.table}`,
    source: definition.source,
    ...stats,
    lag,
    ...(lagError === undefined ? {} : { lagError }),
  };
}

export function allSinkStatus(deps: SinkDeps): Promise<SinkStatus[]> {
  return Promise.all(deps.config.sinks.map((d) => sinkStatus(deps, d.name)));
}
