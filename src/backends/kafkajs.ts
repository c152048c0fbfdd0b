/**
 * @module The Kafka backend over TCP, built on kafkajs 2.2.4: `createKafkajsBackend(options)`.
 *
 * Stateless towards Kafka: fetches are sessionless and at explicit offsets, commits are made as a
 * "simple" group (generation -1, member ""), nothing ever joins a consumer group. Connections are
 * opened on first use, reused by every later request of the process (a Node server, a Lambda
 * container) and closed by close(). The pieces:
 * - kafkajs-protocol.ts — the only use of kafkajs internals (raw requests, codecs, connections);
 * - kafkajs-cluster.ts  — brokers, leaders, coordinators, the metadata cache;
 * - kafkajs-produce.ts, kafkajs-fetch.ts, kafkajs-offsets.ts, kafkajs-admin.ts — the operations;
 * - kafkajs-errors.ts   — the one mapping of Kafka failures to ProxyError codes.
 */
import type { KafkaConfig, logCreator, SASLOptions } from "kafkajs";
import type { Logger } from "../logger.ts";
import { createTopic, deleteTopic, describeTopic, listTopicNames } from "./kafkajs-admin.ts";
import { type ClusterClient, createClusterClient } from "./kafkajs-cluster.ts";
import { toProxyError } from "./kafkajs-errors.ts";
import { fetchPositions } from "./kafkajs-fetch.ts";
import { commitGroupOffsets, fetchGroupOffsets, listOffsetsAt } from "./kafkajs-offsets.ts";
import { produceToTopic } from "./kafkajs-produce.ts";
import {
  createConnector,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  READ_COMMITTED,
  READ_UNCOMMITTED,
} from "./kafkajs-protocol.ts";
import type { KafkaBackend } from "./types.ts";

export interface KafkaSaslOptions {
  mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
  username: string;
  password: string;
}

export interface KafkajsBackendOptions {
  /** Bootstrap brokers as host:port. */
  brokers: string[];
  clientId?: string;
  /** TLS on; `ca` (PEM text) replaces the system trust store. */
  tls?: boolean | { ca?: string };
  sasl?: KafkaSaslOptions;
  /** -1 (all in-sync replicas, the default), 1 (leader) or 0 (no answer: offsets are -1). */
  acks?: -1 | 0 | 1;
  compression?: "none" | "gzip";
  /** Whether produce may let the broker auto-create a missing topic (if the broker allows it). */
  allowAutoTopicCreation?: boolean;
  /** How long topic metadata and configs are cached (default 5000 ms). */
  metadataTtlMs?: number;
  /** Per request, and the broker-side produce timeout (default 30000 ms). */
  requestTimeoutMs?: number;
  /** TCP (and TLS) connect timeout (default 3000 ms). */
  connectionTimeoutMs?: number;
  /** Retries of requests that are safe to repeat (default 3) and the first backoff (default 100 ms). */
  retries?: number;
  retryBackoffMs?: number;
  /** Largest estimated record batch sent per partition and request (default 512 KiB). */
  maxBatchBytes?: number;
  /** kafkajs's own warnings and errors go here; without a logger they are dropped. */
  logger?: Logger;
}

const LOG_LEVEL_WARN = 2;

/**
 * Routes kafkajs log entries at warn and above to our logger, as warnings: they are mostly failed
 * connection attempts, and the request that failed because of them is logged as an error by the app
 * already. The SASL settings never appear in kafkajs's entries.
 */
function logCreatorFor(logger: Logger | undefined): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      if (!logger || level > LOG_LEVEL_WARN) return;
      const {
        message,
        timestamp: _t,
        logger: _l,
        ...fields
      } = log as { message: string } & Record<string, unknown>;
      logger.warn(`kafkajs: ${message}`, { kafkajs_namespace: namespace, ...fields });
    };
}

function kafkaConfig(options: KafkajsBackendOptions, requestTimeoutMs: number): KafkaConfig {
  const connectionTimeout = options.connectionTimeoutMs ?? 3000;
  const tls = options.tls;
  return {
    brokers: options.brokers,
    clientId: options.clientId ?? "kafka-edge-proxy",
    ssl: typeof tls === "object" ? (tls.ca ? { ca: [tls.ca] } : true) : tls === true,
    // A plain copy: the password may be a non-enumerable property (see config), which spreads drop.
    sasl: options.sasl
      ? ({
          mechanism: options.sasl.mechanism,
          username: options.sasl.username,
          password: options.sasl.password,
        } as SASLOptions)
      : undefined,
    connectionTimeout,
    authenticationTimeout: connectionTimeout + 2000,
    requestTimeout: requestTimeoutMs,
    enforceRequestTimeout: true,
    // Retries are ours (bounded, per operation); kafkajs's connection layer does not need its own.
    retry: { retries: 0 },
    logLevel: LOG_LEVEL_WARN,
    logCreator: logCreatorFor(options.logger),
  };
}

/**
 * The KafkaBackend for a real cluster.
 *
 * @example
 * const backend = createKafkajsBackend({ brokers: ["127.0.0.1:9092"], acks: -1 });
 * await backend.produce("orders", [{ key: null, value: new TextEncoder().encode("hi") }]);
 * await backend.close();
 */
export function createKafkajsBackend(options: KafkajsBackendOptions): KafkaBackend {
  if (options.brokers.length === 0) throw new Error("createKafkajsBackend: brokers must not be empty");
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const retryBackoffMs = options.retryBackoffMs ?? 100;
  const settings = { retries, retryBackoffMs };
  const roundRobin = new Map<string, number>();
  let client: ClusterClient | undefined;

  function cluster(): ClusterClient {
    client ??= createClusterClient({
      connector: createConnector(kafkaConfig(options, requestTimeoutMs)),
      metadataTtlMs: options.metadataTtlMs ?? 5000,
      retries,
      retryBackoffMs,
      allowAutoTopicCreation: options.allowAutoTopicCreation ?? true,
      settleTimeoutMs: Math.min(requestTimeoutMs, 10_000),
      maxFetchConnections: 16,
    });
    return client;
  }

  /** Every failure leaves here as a ProxyError. */
  async function run<T>(operation: (client: ClusterClient) => Promise<T>): Promise<T> {
    try {
      return await operation(cluster());
    } catch (error) {
      throw toProxyError(error);
    }
  }

  const nextRoundRobin = (topic: string) => () => {
    // Seeded randomly per topic, like kafkajs, so processes do not all start on partition 0.
    const next = roundRobin.get(topic) ?? Math.floor(Math.random() * 0x7fffffff);
    roundRobin.set(topic, (next + 1) % 0x7fffffff);
    return next;
  };

  const adminSettings = { ...settings, timeoutMs: Math.min(requestTimeoutMs, 10_000) };

  return {
    name: "kafka",

    describeCluster: () =>
      run(async (c) => {
        const info = await c.cluster();
        return {
          clusterId: info.clusterId,
          controllerId: info.controllerId,
          brokers: info.brokers.map(({ nodeId, host, port }) => ({ id: nodeId, host, port })),
        };
      }),

    listTopics: () => run((c) => listTopicNames(c)),
    describeTopic: (topic) => run((c) => describeTopic(c, topic)),
    createTopic: (request) => run((c) => createTopic(c, adminSettings, request)),
    deleteTopic: (topic) => run((c) => deleteTopic(c, adminSettings, topic)),

    partitionOffsets: (partitions) =>
      run(async (c) => {
        // READ_UNCOMMITTED: the end is the high watermark, as the port documents, not the LSO.
        const [earliest, latest] = await Promise.all([
          listOffsetsAt(
            c,
            partitions.map((p) => ({ ...p, timestamp: EARLIEST_TIMESTAMP })),
            READ_UNCOMMITTED,
            settings,
          ),
          listOffsetsAt(
            c,
            partitions.map((p) => ({ ...p, timestamp: LATEST_TIMESTAMP })),
            READ_UNCOMMITTED,
            settings,
          ),
        ]);
        return partitions.map(({ topic, partition }, i) => ({
          topic,
          partition,
          beginning: earliest[i].offset,
          end: latest[i].offset,
        }));
      }),

    offsetsForTimes: (partitions) =>
      run(async (c) => {
        const found = await listOffsetsAt(c, partitions, READ_COMMITTED, settings);
        return partitions.map(({ topic, partition }, i) => {
          const { offset, timestamp } = found[i];
          return offset < 0
            ? { topic, partition, offset: null, timestamp: null }
            : { topic, partition, offset, timestamp: timestamp < 0 ? null : timestamp };
        });
      }),

    produce: (topic, records) =>
      run((c) =>
        produceToTopic(
          c,
          {
            acks: options.acks ?? -1,
            compression: options.compression ?? "none",
            timeoutMs: requestTimeoutMs,
            maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
            retries,
            retryBackoffMs,
          },
          topic,
          records,
          nextRoundRobin(topic),
        ),
      ),

    fetch: (positions, fetchOptions) => run((c) => fetchPositions(c, settings, positions, fetchOptions)),
    commitOffsets: (group, offsets) => run((c) => commitGroupOffsets(c, group, offsets, settings)),
    committedOffsets: (group, partitions) => run((c) => fetchGroupOffsets(c, group, partitions, settings)),

    async close() {
      const closing = client;
      client = undefined;
      await closing?.close();
    },
  };
}
