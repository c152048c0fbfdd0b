/**
 * @module Node entry: `npm start`. Reads the environment once, builds the adapters and serves the
 * app until SIGINT/SIGTERM, then closes the server and the backend.
 */
import { readFileSync } from "node:fs";
import { type Http2Bindings, type HttpBindings, serve } from "@hono/node-server";
import { createApp } from "../src/app.ts";
import { createMemoryBackend } from "../src/backends/memory.ts";
import type { KafkaBackend } from "../src/backends/types.ts";
import { type Config, ConfigError, parseConfig } from "../src/config/index.ts";
import { ErrorCode, ProxyError } from "../src/errors.ts";
import { createJsonLogger, type Logger } from "../src/logger.ts";
import { createMemoryStateStore } from "../src/state/memory.ts";
import { createRedisStateStore } from "../src/state/redis.ts";

function loadConfig() {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** The Kafka backend chosen by KAFKA_BACKEND; kafkajs is only loaded for a real cluster. */
async function createBackend(config: Config, logger: Logger): Promise<KafkaBackend> {
  if (config.kafkaBackend === "memory") {
    return createMemoryBackend({
      autoCreateTopics: config.autoCreateTopics,
      defaultPartitions: config.defaultPartitions,
    });
  }
  const { kafka } = config;
  let ca: string | undefined;
  if (kafka.tlsCaFile !== undefined) {
    try {
      ca = readFileSync(kafka.tlsCaFile, "utf8");
    } catch (error) {
      console.error(`KAFKA_TLS_CA_FILE cannot be read: ${(error as Error).message}`);
      process.exit(1);
    }
  }
  const { createKafkajsBackend } = await import("../src/backends/kafkajs.ts");
  return createKafkajsBackend({
    brokers: kafka.brokers,
    clientId: kafka.clientId,
    tls: kafka.tls ? { ca } : false,
    sasl: kafka.sasl,
    acks: kafka.acks,
    compression: kafka.compression,
    allowAutoTopicCreation: config.autoCreateTopics,
    metadataTtlMs: kafka.metadataTtlMs,
    requestTimeoutMs: kafka.requestTimeoutMs,
    connectionTimeoutMs: kafka.connectionTimeoutMs,
    logger,
  });
}

const config = loadConfig();
const logger = createJsonLogger(config.logLevel);
const backend = await createBackend(config, logger);
const state =
  config.stateStore === "memory"
    ? createMemoryStateStore()
    : createRedisStateStore({ url: config.stateStore, keyPrefix: config.stateKeyPrefix });
const app = createApp({ backend, state, config, logger });

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
    Promise.allSettled([backend.close(), state.close()]).finally(() => process.exit(0));
  });
  // Keep-alive connections can hold close() open; do not wait for them forever.
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
