/**
 * The Worker's Cron Trigger handler inside workerd: `scheduled` runs every polled sink. The
 * ClickHouse server is not reachable from here (the test setup starts none for the workers
 * project), so the run fails, and the failure, recorded in the Durable Object state store,
 * is what GET /sinks shows afterwards: proof the scheduled handler ran the sink.
 */
import { env } from "cloudflare:workers";
import type { ExecutionContext, ScheduledController } from "@cloudflare/workers-types";
import { describe, expect, it } from "vitest";
import { createWorker, type WorkerEnv } from "../../functions/cloudflare-worker.ts";

describe("Worker Cron Trigger", () => {
  it("runs every polled sink from the scheduled handler, waiting for the runs with waitUntil", async () => {
    const waited: Promise<unknown>[] = [];
    const context = {
      waitUntil: (promise: Promise<unknown>) => waited.push(promise),
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext;
    const name = `cron-${Date.now().toString(36)}`;
    const vars = {
      ...(env as unknown as WorkerEnv),
      SINKS: JSON.stringify([
        {
          name,
          topics: ["cron-topic"],
          clickhouse: { url: "http://127.0.0.1:9", table: "t" },
          batch: { maxWaitMs: 0 },
        },
      ]),
    };
    const worker = createWorker();
    await worker.fetch(
      new Request("http://worker.test/topics/cron-topic", {
        method: "POST",
        headers: { "Content-Type": "application/vnd.kafka.json.v2+json" },
        body: JSON.stringify({ records: [{ value: { n: 1 } }] }),
      }),
      vars,
      context,
    );
    const controller = { cron: "* * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController;
    await worker.scheduled(controller, vars, context);
    await Promise.all(waited);
    const status = await (
      await worker.fetch(new Request(`http://worker.test/sinks/${name}`), vars, context)
    ).json();
    expect(status).toMatchObject({
      name,
      status: "retrying",
      runs: 1,
      lastRun: { outcome: "failed", records: 1 },
    });
    expect(status.lastError.message).toMatch(/^ClickHouse at http:\/\/127\.0\.0\.1:9 is not reachable/);
  });
});
