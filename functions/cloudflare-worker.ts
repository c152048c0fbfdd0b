/**
 * @module The Worker's handlers, built by functions/cloudflare.ts (which may export nothing but
 * handlers and Durable Object classes). Settings come from wrangler vars (strings, parsed by the
 * same parseConfig as everywhere), bindings (KV, Durable Objects) are handed to the state store.
 * Everything is built once per isolate, on its first request; a bad setting answers every request
 * with a 500 naming it instead of half-working.
 */
import type {
  DurableObjectNamespace,
  ExecutionContext,
  KVNamespace,
  ScheduledController,
} from "@cloudflare/workers-types";
import type { Hono } from "hono";
import { createApp } from "../src/app.ts";
import { createMemoryBackend } from "../src/backends/memory.ts";
import type { KafkaBackend } from "../src/backends/types.ts";
import { createUpstashBackend } from "../src/backends/upstash.ts";
import { type Config, ConfigError, parseConfig } from "../src/config/index.ts";
import { runAllSinks } from "../src/core/sinks/service.ts";
import { ErrorCode } from "../src/errors.ts";
import { createJsonLogger } from "../src/logger.ts";
import { createClickHouseSink } from "../src/sinks/clickhouse.ts";
import { createKvStateStore } from "../src/state/cloudflare-kv.ts";
import type { ConsumerGroupDO } from "../src/state/durable-object.ts";
import { createDurableObjectStateStore } from "../src/state/durable-object.ts";
import { createMemoryStateStore } from "../src/state/memory.ts";
import type { StateStore } from "../src/state/types.ts";
import type { AppEnv, Deps } from "../src/types.ts";

/** Binding names, as wrangler.toml declares them. */
const KV_BINDING = "STATE_KV";
const DURABLE_OBJECT_BINDING = "CONSUMER_GROUPS";

/** The Worker's env: wrangler vars (strings) and bindings (objects). */
export type WorkerEnv = Record<string, unknown>;

type Built = { ok: true; app: Hono<AppEnv>; deps: Deps } | { ok: false; problems: string[] };

/** How long a Cron Trigger keeps running sinks whose batches come back full (a backlog). */
const SCHEDULED_SINK_BUDGET_MS = 20_000;

const isBinding = (value: unknown, methods: string[]) =>
  typeof value === "object" &&
  value !== null &&
  methods.every((m) => typeof (value as Record<string, unknown>)[m] === "function");

function createStateStore(config: Config, env: WorkerEnv): StateStore | string {
  const keyPrefix = config.stateKeyPrefix;
  switch (config.stateStore) {
    case "memory":
      return createMemoryStateStore();
    case "kv": {
      const namespace = env[KV_BINDING];
      if (!isBinding(namespace, ["get", "getWithMetadata", "put", "list", "delete"])) {
        return `STATE_STORE=kv needs a KV namespace bound as ${KV_BINDING} ([[kv_namespaces]] in wrangler.toml)`;
      }
      return createKvStateStore({ namespace: namespace as KVNamespace, keyPrefix });
    }
    case "durable-object": {
      const namespace = env[DURABLE_OBJECT_BINDING];
      if (!isBinding(namespace, ["getByName"])) {
        return `STATE_STORE=durable-object needs the ConsumerGroupDO namespace bound as ${DURABLE_OBJECT_BINDING} ([[durable_objects.bindings]] in wrangler.toml)`;
      }
      return createDurableObjectStateStore({
        namespace: namespace as DurableObjectNamespace<ConsumerGroupDO>,
        keyPrefix,
      });
    }
    default:
      return "STATE_STORE=redis:// needs TCP connections, which a Worker cannot keep: use durable-object (or kv)";
  }
}

/** How often a waiting read looks at the embedded log again. */
const POLL_INTERVAL_MS = 25;

/**
 * The embedded log, with reads that wait by polling. Its own waits are woken by the request that
 * produces, and workerd does not let one request's code carry on another's I/O: the woken read
 * would fail on its next state store call. Polling keeps every read in its own request.
 */
function createPollingMemoryBackend(config: Config): KafkaBackend {
  const backend = createMemoryBackend({
    autoCreateTopics: config.autoCreateTopics,
    defaultPartitions: config.defaultPartitions,
  });
  return {
    ...backend,
    async fetch(positions, options) {
      const deadline = Date.now() + options.maxWaitMs;
      for (;;) {
        const fetched = await backend.fetch(positions, { ...options, maxWaitMs: 0 });
        const remaining = deadline - Date.now();
        if (remaining <= 0 || options.signal?.aborted || fetched.some((p) => p.records.length > 0)) {
          return fetched;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, remaining)));
      }
    },
  };
}

function createBackend(config: Config): KafkaBackend | string {
  switch (config.kafkaBackend) {
    case "memory":
      return createPollingMemoryBackend(config);
    case "upstash":
      // parseConfig has made sure UPSTASH_KAFKA_REST_URL is set.
      return createUpstashBackend(config.upstash.backend as NonNullable<typeof config.upstash.backend>);
    default:
      return "KAFKA_BACKEND=kafka needs TCP connections to the brokers, which a Worker cannot keep: use upstash (Kafka over HTTP, e.g. through this proxy on Node) or memory";
  }
}

function build(env: WorkerEnv): Built {
  const vars = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  let config: Config;
  try {
    config = parseConfig(vars);
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems };
    throw error;
  }
  const state = createStateStore(config, env);
  const backend = createBackend(config);
  const problems = [state, backend].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) return { ok: false, problems };
  const logger = createJsonLogger(config.logLevel);
  const deps: Deps = {
    backend: backend as KafkaBackend,
    state: state as StateStore,
    config,
    logger,
    sink: createClickHouseSink({ timeoutMs: config.sinkInsertTimeoutMs }),
  };
  return { ok: true, app: createApp(deps), deps };
}

function misconfigured(problems: string[]): Response {
  const message = `The Worker is misconfigured (wrangler vars and bindings):\n${problems.map((p) => `  - ${p}`).join("\n")}`;
  return Response.json({ error_code: ErrorCode.INTERNAL, message }, { status: 500 });
}

/**
 * A Worker's handlers. The app is built on the first request from that request's env and kept
 * for the isolate's life: the embedded log and the memory state store live in it.
 */
export function createWorker() {
  let built: Built | undefined;
  const buildOnce = (env: WorkerEnv): Built => {
    if (built === undefined) {
      built = build(env);
      if (!built.ok)
        console.error(JSON.stringify({ level: "error", msg: "misconfigured", problems: built.problems }));
    }
    return built;
  };
  return {
    async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
      const current = buildOnce(env);
      if (!current.ok) return misconfigured(current.problems);
      // No getRequestBody: workerd keeps a GET's body (Confluent's GET .../offsets has one) on the
      // Request itself, where the app reads it through its body limit like any other body.
      return current.app.fetch(request, {}, ctx);
    },
    /** Cron Triggers: runs every polled sink; waitUntil keeps the isolate until the runs end. */
    async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
      const current = buildOnce(env);
      if (!current.ok) return;
      const { deps } = current;
      const runs = runAllSinks(deps, { budgetMs: SCHEDULED_SINK_BUDGET_MS }).then(
        (reports) => {
          for (const report of reports.filter((r) => r.outcome === "failed"))
            deps.logger.warn("sink run failed", { ...report });
        },
        (error) => deps.logger.error("sinks did not run", { error }),
      );
      ctx.waitUntil(runs);
    },
  };
}
