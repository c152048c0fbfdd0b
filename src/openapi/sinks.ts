import { z } from "zod";
import type { Operation } from "./operations.ts";

const int = z.number().int();

/** The fields of a sink run report a caller acts on; the report may carry more. */
const runReport = z.looseObject({
  sink: z.string(),
  outcome: z.enum(["inserted", "idle", "busy", "failed"]),
  records: int,
  rows: int,
  skipped: int,
});

/** The fields of a sink's status a caller acts on; the status carries its running totals too. */
const sinkStatus = z.looseObject({
  name: z.string(),
  topics: z.array(z.string()),
  table: z.string(),
  status: z.enum(["never-run", "ok", "retrying", "stopped"]),
  lag: z.array(z.looseObject({ topic: z.string(), partition: int })).nullable(),
});

const json = "application/json";

/** Sinks from Kafka topics to ClickHouse tables: status and a manual flush. */
export const SINK_OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/sinks",
    tag: "Sinks",
    summary: "Every sink's status and lag",
    responses: { 200: { description: "Statuses.", content: { [json]: z.array(sinkStatus) } } },
  },
  {
    method: "get",
    path: "/sinks/{name}",
    tag: "Sinks",
    summary: "One sink's status and lag",
    responses: { 200: { description: "Status.", content: { [json]: sinkStatus } } },
  },
  {
    method: "post",
    path: "/sinks/{name}/flush",
    tag: "Sinks",
    summary: "Run the sink once now",
    responses: {
      200: { description: "Inserted, or nothing to read.", content: { [json]: runReport } },
      409: { description: "Another run holds the sink.", content: { [json]: runReport } },
      502: { description: "The insert or Kafka failed.", content: { [json]: runReport } },
    },
  },
];
