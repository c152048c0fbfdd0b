import { allSinkStatus, flushSink, sinkStatus } from "../core/sinks/service.ts";
import type { RunReport } from "../core/sinks/stats.ts";
import type { Router } from "./http.ts";

const FLUSH_STATUS: Record<RunReport["outcome"], 200 | 409 | 502> = {
  inserted: 200,
  idle: 200,
  busy: 409,
  failed: 502,
};

/**
 * GET /sinks and /sinks/{name}: stats and lag. POST /sinks/{name}/flush: one run now, answered with
 * its report (200 done, 409 another run holds the sink, 502 the insert or Kafka failed).
 */
export function registerSinkRoutes(router: Router): void {
  router.get("/sinks", async (c) => c.json(await allSinkStatus(c.var.deps)));
  router.get("/sinks/:name", async (c) => c.json(await sinkStatus(c.var.deps, c.req.param("name") ?? "")));
  router.post("/sinks/:name/flush", async (c) => {
    const report = await flushSink(c.var.deps, c.req.param("name") ?? "");
    return c.json(report, FLUSH_STATUS[report.outcome]);
  });
}
