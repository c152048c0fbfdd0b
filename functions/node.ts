/**
 * @module Node entry: `npm start`. Reads the environment once, builds the adapters and serves the
 * app until SIGINT/SIGTERM, then closes the server and the backend.
 */
import { serve } from "@hono/node-server";
import { createApp } from "../src/app.ts";
import { createMemoryBackend } from "../src/backends/memory.ts";
import { ConfigError, parseConfig } from "../src/config/index.ts";
import { createJsonLogger } from "../src/logger.ts";

function loadConfig() {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const config = loadConfig();
const logger = createJsonLogger(config.logLevel);
const backend = createMemoryBackend({
  autoCreateTopics: config.autoCreateTopics,
  defaultPartitions: config.defaultPartitions,
});
const app = createApp({ backend, config, logger });

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info("listening", {
    url: `http://${config.host}:${info.port}`,
    port: info.port,
    backend: backend.name,
  });
});

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
    backend.close().finally(() => process.exit(0));
  });
  // Keep-alive connections can hold close() open; do not wait for them forever.
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
