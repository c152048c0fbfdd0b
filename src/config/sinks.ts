import { z } from "zod";
import { parseSinkDefinitions, type SinkDefinition } from "../core/sinks/definition.ts";
import { integer, section } from "./section.ts";

const sinkList = z.string().transform((text, ctx): SinkDefinition[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `SINKS is not valid JSON: ${(error as Error).message}` });
    return z.NEVER;
  }
  const result = parseSinkDefinitions(parsed);
  if (result.ok) return result.sinks;
  for (const problem of result.problems) ctx.addIssue({ code: "custom", message: problem });
  return z.NEVER;
});

/** Sinks from Kafka topics to ClickHouse tables, and how runs are paced. */
export const sinksSection = section({
  settings: {
    SINKS: sinkList.optional(),
    SINKS_FILE: z.string().optional(),
    SINKS_INTERVAL_MS: integer("SINKS_INTERVAL_MS", 0, 24 * 3600 * 1000).default(0),
    SINK_INSERT_TIMEOUT_MS: integer("SINK_INSERT_TIMEOUT_MS", 100, 600_000).default(30_000),
    SINK_LEASE_MS: integer("SINK_LEASE_MS", 1000, 3_600_000).default(120_000),
  },
  // The definitions hold ClickHouse passwords.
  secrets: ["SINKS"],
  problems: (present) => {
    const problems: string[] = [];
    if (present.SINKS !== undefined && present.SINKS_FILE !== undefined) {
      problems.push("Set SINKS or SINKS_FILE, not both");
    } else if (present.SINKS_FILE !== undefined) {
      problems.push(
        "SINKS_FILE cannot be read on this runtime (it has no file system): put the JSON in SINKS",
      );
    }
    const lease = Number(present.SINK_LEASE_MS ?? 120_000);
    const timeout = Number(present.SINK_INSERT_TIMEOUT_MS ?? 30_000);
    // A lease must outlive the run it guards (the wait for records, at most 60 s, plus one insert).
    if (lease < timeout + 60_000) {
      problems.push(
        `SINK_LEASE_MS (${lease}) must be at least SINK_INSERT_TIMEOUT_MS + 60000 (${timeout + 60_000})`,
      );
    }
    return problems;
  },
  build: (e) => ({
    sinks: e.SINKS ?? [],
    /** Node only: run every polled sink this often; 0 = only on POST /sinks/{name}/flush. */
    sinksIntervalMs: e.SINKS_INTERVAL_MS,
    sinkInsertTimeoutMs: e.SINK_INSERT_TIMEOUT_MS,
    sinkLeaseMs: e.SINK_LEASE_MS,
  }),
});

/**
 * For entries that can read files (Node, Lambda): the environment with SINKS_FILE's contents in
 * SINKS, so parseConfig validates them. Left as is when both are set (parseConfig reports it).
 */
export function withSinksFile(
  env: Record<string, string | undefined>,
  readText: (path: string) => string,
): Record<string, string | undefined> {
  const path = env.SINKS_FILE?.trim();
  if (!path || (env.SINKS ?? "").trim() !== "") return env;
  return { ...env, SINKS: readText(path), SINKS_FILE: undefined };
}
