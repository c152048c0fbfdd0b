/**
 * What the two Node-runtime entries (node.ts and lambda.ts) build the same way: the configuration
 * from the environment, with the settings that name files read from disk, and the Kafka backend,
 * state store and sink it chooses. Not an entry itself. A bad setting throws ConfigError.
 */
import { readFileSync } from "node:fs";
import { createMemoryBackend } from "../src/backends/memory.ts";
import type { KafkaBackend } from "../src/backends/types.ts";
import { type Config, ConfigError, parseConfig } from "../src/config/index.ts";
import { withSinksFile } from "../src/config/sinks.ts";
import { createJsonLogger, type Logger } from "../src/logger.ts";
import { createClickHouseSink } from "../src/sinks/clickhouse.ts";
import { createMemoryStateStore } from "../src/state/memory.ts";
import { createRedisStateStore } from "../src/state/redis.ts";
import type { Deps } from "../src/types.ts";

function readSettingFile(setting: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`${setting} cannot be read: ${(error as Error).message}`]);
  }
}

/** The configuration of a Node-runtime proxy; Workers-only state stores are refused. */
export function readNodeConfig(env: Record<string, string | undefined>): Config {
  const config = parseConfig(withSinksFile(env, (path) => readSettingFile("SINKS_FILE", path)));
  if (config.stateStore === "kv" || config.stateStore === "durable-object") {
    throw new ConfigError([
      `STATE_STORE=${config.stateStore} exists only on Cloudflare Workers; use memory or a redis:// URL`,
    ]);
  }
  return config;
}

/** The Kafka backend chosen by KAFKA_BACKEND; kafkajs and the Upstash client load only when chosen. */
async function createBackend(config: Config, logger: Logger): Promise<KafkaBackend> {
  if (config.kafkaBackend === "memory") {
    return createMemoryBackend({
      autoCreateTopics: config.autoCreateTopics,
      defaultPartitions: config.defaultPartitions,
    });
  }
  if (config.kafkaBackend === "upstash" && config.upstash.backend) {
    const { createUpstashBackend } = await import("../src/backends/upstash.ts");
    return createUpstashBackend(config.upstash.backend);
  }
  const { kafka } = config;
  const ca =
    kafka.tlsCaFile === undefined ? undefined : readSettingFile("KAFKA_TLS_CA_FILE", kafka.tlsCaFile);
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

/** The adapters the configuration chooses, created once per process or Lambda container. */
export async function createNodeDeps(config: Config): Promise<Deps> {
  const logger = createJsonLogger(config.logLevel);
  const backend = await createBackend(config, logger);
  const state =
    config.stateStore === "memory"
      ? createMemoryStateStore()
      : createRedisStateStore({ url: config.stateStore, keyPrefix: config.stateKeyPrefix });
  const sink = createClickHouseSink({ timeoutMs: config.sinkInsertTimeoutMs });
  return { backend, state, config, logger, sink };
}
