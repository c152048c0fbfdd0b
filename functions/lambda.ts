/**
 * @module AWS Lambda entry, bundled to dist/lambda.mjs (`npm run package:lambda`). The
 * configuration is read and the adapters are built once per container, at cold start, and every
 * handler exported here shares them: connections to Kafka and Redis outlive one invocation.
 * A bad setting fails the cold start with the ConfigError message in the function's log.
 *
 * Each kind of event has its own export, and each Lambda function in serverless.yml points at one:
 * `http` serves API Gateway HTTP API (payload 2.0), Function URL, REST API and ALB events, and
 * fails on anything else (a schedule, a Kafka batch), which needs a handler of its own here.
 */
import { createApp } from "../src/app.ts";
import { ConfigError } from "../src/config/index.ts";
import { handleKafkaEvent, type LambdaKafkaEvent } from "../src/core/sinks/lambda-event.ts";
import { runAllSinks } from "../src/core/sinks/service.ts";
import type { Deps } from "../src/types.ts";
import { createHttpHandler } from "./lambda-http.ts";
import { createNodeDeps, readNodeConfig } from "./node-runtime.ts";

/** Everything the handlers of this container share, built from the environment at cold start. */
async function createDeps(env: Record<string, string | undefined>): Promise<Deps> {
  try {
    const deps = await createNodeDeps(readNodeConfig(env));
    if (deps.config.stateStore === "memory") {
      deps.logger.warn("consumer instances live in this container only: set STATE_STORE to a shared Redis");
    }
    return deps;
  } catch (error) {
    // Lambda logs a failed initialisation as an error object; the plain message reads better.
    if (error instanceof ConfigError) console.error(error.message);
    throw error;
  }
}

const deps = await createDeps(process.env);

/** HTTP events: API Gateway HTTP API v2, Function URL, REST API v1, ALB. */
export const http = createHttpHandler(createApp(deps), deps.config.maxRequestBytes);

/**
 * Schedule events (`schedule: rate(1 minute)`): runs every polled sink, again while batches come
 * back full and the invocation has time for another run. Answers the runs' reports.
 */
export async function cron(_event: unknown, context: { getRemainingTimeInMillis(): number }) {
  // A run may take maxWaitMs (≤ 60 s) plus one insert: start none that could outlive the invocation.
  const budgetMs = context.getRemainingTimeInMillis() - deps.config.sinkInsertTimeoutMs - 60_000;
  const reports = await runAllSinks(deps, { budgetMs });
  for (const report of reports.filter((r) => r.outcome === "failed"))
    deps.logger.warn("sink run failed", { ...report });
  return reports;
}

/**
 * Kafka event source (MSK or self-managed): inserts the batch into the sinks with source "lambda"
 * and answers the partial batch response (ReportBatchItemFailures) for partitions that failed.
 */
export function kafka(event: LambdaKafkaEvent) {
  return handleKafkaEvent(deps, event);
}
