/**
 * @module Node entry: `npm start`. Reads the environment once, builds the adapters and serves the
 * app until SIGINT/SIGTERM, then closes the server and the backend.
 */
import { type Http2Bindings, type HttpBindings, serve } from "@hono/node-server";
import { createApp } from "../src/app.ts";
import { ConfigError } from "../src/config/index.ts";
import { scheduleSinks } from "../src/core/sinks/schedule.ts";
import { ErrorCode, ProxyError } from "../src/errors.ts";
import type { Deps } from "../src/types.ts";
import { createNodeDeps, readNodeConfig } from "./node-runtime.ts";

/** The adapters, or exit 1 naming every bad setting. */
async function start(): Promise<Deps> {
  try {
    return await createNodeDeps(readNodeConfig(process.env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const deps = await start();
const { backend, state, config, logger, sink } = deps;
const app = createApp(deps);
const sinkSchedule = scheduleSinks({ backend, state, config, sink }, config.sinksIntervalMs, (reports) => {
  for (const report of reports.filter((r) => r.outcome === "failed"))
    logger.warn("sink run failed", { ...report });
});

/** Reads a GET request's body straight from the socket (Fetch-API requests drop it), up to the limit. */
function bodyReader(incoming: AsyncIterable<Buffer>): () => Promise<string> {
  return async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming) {
      size += chunk.length;
      if (size > config.maxRequestBytes)
        throw new ProxyError(ErrorCode.PAYLOAD_TOO_LARGE, "Request body is too large.");
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  };
}

const server = serve(
  {
    fetch: (request, env: HttpBindings | Http2Bindings) =>
      app.fetch(request, request.method === "GET" ? { getRequestBody: bodyReader(env.incoming) } : {}),
    port: config.port,
    hostname: config.host,
  },
  (info) => {
    logger.info("listening", {
      url: `http://${config.host}:${info.port}`,
      port: info.port,
      backend: backend.name,
    });
  },
);

server.on("error", (error) => {
  logger.error("server failed", { error });
  process.exit(1);
});

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info("shutting down", { signal });
  server.close(() => {
    sinkSchedule
      .stop()
      .then(() => Promise.allSettled([backend.close(), state.close()]))
      .finally(() => process.exit(0));
  });
  // Keep-alive connections can hold close() open; do not wait for them forever.
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
