/**
 * @module Routing for the kafkajs backend: which broker to send a request to. Keeps one connection
 * pool per broker (created lazily, reused across requests, closed by close()), a short-lived cache
 * of topic metadata and topic configs, group coordinators, and a small pool of extra connections
 * for fetches that wait (a broker answers the requests of one connection in order, so a long-poll
 * fetch on the shared connection would hold up every fetch behind it).
 */
import { ErrorCode, ProxyError } from "../errors.ts";
import { fromErrorCode, isRetriable, toProxyError } from "./kafkajs-errors.ts";
import {
  type BrokerConnection,
  type Connector,
  type DecodedMetadata,
  errorType,
  NONE,
  RESOURCE_TYPE_BROKER,
  RESOURCE_TYPE_TOPIC,
} from "./kafkajs-protocol.ts";

export interface PartitionInfo {
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicInfo {
  name: string;
  internal: boolean;
  /** Sorted by partition id. */
  partitions: PartitionInfo[];
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterInfo {
  clusterId: string;
  controllerId: number;
  brokers: BrokerInfo[];
}

export interface ClusterClientOptions {
  connector: Connector;
  /** How long topic metadata, topic configs and coordinators are reused. */
  metadataTtlMs: number;
  /** Retries of requests that are safe to repeat, after retriable errors. */
  retries: number;
  retryBackoffMs: number;
  /** Whether produce may ask the broker to auto-create a missing topic. */
  allowAutoTopicCreation: boolean;
  /** How long to wait for a topic the broker is auto-creating, or for a group coordinator. */
  settleTimeoutMs: number;
  /** Extra connections per broker for fetches that wait. */
  maxFetchConnections: number;
  now?: () => number;
}

export interface ClusterClient {
  cluster(): Promise<ClusterInfo>;
  /** Every topic's metadata (one Metadata request for all topics). */
  allTopics(): Promise<TopicInfo[]>;
  /**
   * A topic's metadata, or undefined when it does not exist. With `autoCreate`, asks the broker to
   * create it (if this proxy allows it) and waits for it only when the broker auto-creates topics.
   */
  topic(name: string, options?: { autoCreate?: boolean; fresh?: boolean }): Promise<TopicInfo | undefined>;
  topicConfigs(name: string): Promise<Record<string, string>>;
  /** Drops cached metadata of a topic (after routing errors, creation or deletion). */
  forget(name: string): void;
  node(nodeId: number): Promise<BrokerConnection>;
  /** Any broker: for requests every broker answers. */
  any(): Promise<BrokerConnection>;
  controller(): Promise<BrokerConnection>;
  coordinator(group: string, options?: { fresh?: boolean }): Promise<BrokerConnection>;
  /** Runs `use` on a connection of its own to the broker (see the module comment). */
  withFetchConnection<T>(nodeId: number, use: (connection: BrokerConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails with a non-retriable error or runs out of retries; waits
 * `backoffMs`, doubling with jitter, in between. `onRetry` can drop stale routing first.
 */
export async function withRetries<T>(
  attempt: (retry: number) => Promise<T>,
  options: { retries: number; backoffMs: number; onRetry?: (error: unknown) => void },
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(retry);
    } catch (error) {
      if (retry >= options.retries || !isRetriable(error)) throw error;
      options.onRetry?.(error);
      await sleep(options.backoffMs * 2 ** retry * (0.8 + Math.random() * 0.4));
    }
  }
}

interface NodeEntry extends BrokerInfo {
  connection?: Promise<BrokerConnection>;
}

interface TopicEntry {
  info: TopicInfo;
  expiresAt: number;
}

interface ConfigsEntry {
  configs: Promise<Record<string, string>>;
  expiresAt: number;
}

function toTopicInfo(topic: DecodedMetadata["topicMetadata"][number]): TopicInfo {
  return {
    name: topic.topic,
    internal: topic.isInternal ?? topic.topic.startsWith("__"),
    partitions: topic.partitionMetadata
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
      .sort((a, b) => a.partition - b.partition),
  };
}

function retriableError(message: string): ProxyError {
  return new ProxyError(ErrorCode.KAFKA_RETRIABLE_ERROR, message, { retriable: true });
}

export function createClusterClient(options: ClusterClientOptions): ClusterClient {
  const { connector, metadataTtlMs } = options;
  const now = options.now ?? Date.now;
  const nodes = new Map<number, NodeEntry>();
  const topics = new Map<string, TopicEntry>();
  const topicConfigsCache = new Map<string, ConfigsEntry>();
  const coordinators = new Map<string, { nodeId: number; expiresAt: number }>();
  const idleFetchConnections = new Map<number, BrokerConnection[]>();
  const busyFetchConnections = new Map<number, number>();
  let bootstrap: Promise<BrokerConnection> | undefined;
  let clusterInfo: { info: ClusterInfo; expiresAt: number } | undefined;
  let brokerAutoCreate: Promise<boolean | undefined> | undefined;
  let generation = 0;

  const retrying = <T>(attempt: (retry: number) => Promise<T>, onRetry?: (error: unknown) => void) =>
    withRetries(attempt, { retries: options.retries, backoffMs: options.retryBackoffMs, onRetry });

  function connectionOf(entry: NodeEntry): Promise<BrokerConnection> {
    if (!entry.connection) {
      entry.connection = connector.connect({ host: entry.host, port: entry.port, rack: entry.rack });
      entry.connection.catch(() => {
        entry.connection = undefined;
      });
    }
    return entry.connection;
  }

  function learnBrokers(metadata: DecodedMetadata): void {
    const seen = new Set<number>();
    for (const broker of metadata.brokers) {
      seen.add(broker.nodeId);
      const known = nodes.get(broker.nodeId);
      if (known && known.host === broker.host && known.port === broker.port) continue;
      if (known) void known.connection?.then((c) => c.disconnect()).catch(() => undefined);
      nodes.set(broker.nodeId, { ...broker, rack: broker.rack ?? null });
    }
    for (const [nodeId, entry] of nodes) {
      if (seen.has(nodeId)) continue;
      nodes.delete(nodeId);
      void entry.connection?.then((c) => c.disconnect()).catch(() => undefined);
    }
    clusterInfo = {
      info: {
        clusterId: metadata.clusterId ?? "",
        controllerId: metadata.controllerId ?? metadata.brokers[0]?.nodeId ?? -1,
        brokers: metadata.brokers
          .map((b) => ({ ...b, rack: b.rack ?? null }))
          .sort((a, b) => a.nodeId - b.nodeId),
      },
      expiresAt: now() + metadataTtlMs,
    };
  }

  /** A connected broker: known brokers first (connected ones first), then the bootstrap list. */
  async function any(): Promise<BrokerConnection> {
    const entries = [...nodes.values()].sort(() => Math.random() - 0.5);
    const connections = await Promise.all(entries.map(connectionOf));
    const connected = connections.find((c) => c.isConnected());
    if (connected) return connected;
    let lastError: unknown;
    for (const connection of connections) {
      try {
        await connection.connect();
        return connection;
      } catch (error) {
        lastError = error;
      }
    }
    // No known broker answers (or none known yet): go back to the bootstrap list, which rotates.
    try {
      bootstrap ??= connector.bootstrap();
      const connection = await bootstrap;
      await connection.connect();
      return connection;
    } catch (error) {
      const failed = bootstrap;
      bootstrap = undefined;
      void failed?.then((c) => c.disconnect()).catch(() => undefined);
      throw lastError && nodes.size > 0 ? lastError : error;
    }
  }

  async function requestMetadata(names: string[] | null, autoCreate: boolean): Promise<DecodedMetadata> {
    const metadata = await retrying(async () => (await any()).metadata(names, autoCreate));
    learnBrokers(metadata);
    const expiresAt = now() + metadataTtlMs;
    for (const topic of metadata.topicMetadata) {
      const healthy = topic.topicErrorCode === NONE && topic.partitionMetadata.every((p) => p.leader >= 0);
      if (healthy) {
        topics.set(topic.topic, { info: toTopicInfo(topic), expiresAt });
      } else {
        topics.delete(topic.topic);
      }
    }
    return metadata;
  }

  async function autoCreateEnabled(via: BrokerConnection | undefined): Promise<boolean | undefined> {
    brokerAutoCreate ??= (async () => {
      const connection = via ?? (await any());
      const nodeId = [...nodes.values()].find(
        (n) => n.host === connection.host && n.port === connection.port,
      )?.nodeId;
      if (nodeId === undefined) return undefined;
      const response = await connection.describeConfigs([
        { type: RESOURCE_TYPE_BROKER, name: String(nodeId), configNames: ["auto.create.topics.enable"] },
      ]);
      const [resource] = response.resources;
      if (!resource || resource.errorCode !== NONE) return undefined;
      const value = resource.configEntries.find(
        (e) => e.configName === "auto.create.topics.enable",
      )?.configValue;
      return value === undefined || value === null ? undefined : value === "true";
    })().catch(() => undefined);
    const answer = await brokerAutoCreate;
    // Only a definite answer is kept; "unknown" is asked again next time.
    if (answer === undefined) brokerAutoCreate = undefined;
    return answer;
  }

  async function lookUp(name: string, autoCreate: boolean): Promise<TopicInfo | "missing" | "pending"> {
    const metadata = await requestMetadata([name], autoCreate);
    const topic = metadata.topicMetadata.find((t) => t.topic === name);
    if (!topic) return "missing";
    const type = errorType(topic.topicErrorCode);
    if (topic.topicErrorCode === NONE) {
      return topic.partitionMetadata.length > 0 ? toTopicInfo(topic) : "pending";
    }
    if (type === "UNKNOWN_TOPIC_OR_PARTITION" || type === "INVALID_TOPIC_EXCEPTION") return "missing";
    if (type === "LEADER_NOT_AVAILABLE") return "pending";
    throw fromErrorCode(topic.topicErrorCode, { topic: name });
  }

  async function topic(
    name: string,
    lookup: { autoCreate?: boolean; fresh?: boolean } = {},
  ): Promise<TopicInfo | undefined> {
    const cached = topics.get(name);
    if (cached && !lookup.fresh && cached.expiresAt > now()) return cached.info;
    const autoCreate = (lookup.autoCreate ?? false) && options.allowAutoTopicCreation;
    const first = await lookUp(name, autoCreate);
    if (typeof first === "object") return first;
    if (first === "missing" && !autoCreate) return undefined;
    // Being created (by us or someone else): wait for it, but only as long as it can appear at all.
    if (first === "missing" && (await autoCreateEnabled(undefined)) === false) return undefined;
    const deadline = now() + options.settleTimeoutMs;
    while (now() < deadline) {
      await sleep(100);
      const next = await lookUp(name, autoCreate);
      if (typeof next === "object") return next;
    }
    return undefined;
  }

  async function topicConfigs(name: string): Promise<Record<string, string>> {
    const load = async () => {
      const response = await retrying(async () =>
        (await any()).describeConfigs([{ type: RESOURCE_TYPE_TOPIC, name }]),
      );
      const [resource] = response.resources;
      if (!resource) throw retriableError(`No configs returned for topic '${name}'.`);
      if (resource.errorCode !== NONE)
        throw fromErrorCode(resource.errorCode, { topic: name }, resource.errorMessage);
      const configs: Record<string, string> = {};
      for (const e of resource.configEntries) {
        // Passwords and other sensitive values are never returned by Kafka; do not show the null.
        if (e.configValue !== null && !e.isSensitive) configs[e.configName] = e.configValue;
      }
      return configs;
    };
    const cached = topicConfigsCache.get(name);
    if (cached && cached.expiresAt > now()) return cached.configs;
    const entry: ConfigsEntry = { configs: load(), expiresAt: now() + metadataTtlMs };
    topicConfigsCache.set(name, entry);
    entry.configs.catch(() => {
      if (topicConfigsCache.get(name) === entry) topicConfigsCache.delete(name);
    });
    return entry.configs;
  }

  async function node(nodeId: number): Promise<BrokerConnection> {
    let entry = nodes.get(nodeId);
    if (!entry) {
      await requestMetadata(null, false);
      entry = nodes.get(nodeId);
    }
    if (!entry) throw retriableError(`Broker ${nodeId} is not in the cluster metadata.`);
    return connectionOf(entry);
  }

  async function findCoordinator(group: string): Promise<number> {
    const deadline = now() + options.settleTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const response = await retrying(async () => (await any()).findCoordinator(group));
      if (response.errorCode === NONE) {
        const { nodeId, host, port } = response.coordinator;
        if (!nodes.has(nodeId)) nodes.set(nodeId, { nodeId, host, port, rack: null });
        return nodeId;
      }
      const error = fromErrorCode(response.errorCode, { group }, response.errorMessage);
      // On a fresh cluster the first lookups fail while __consumer_offsets is being created.
      if (!error.retriable || now() >= deadline) throw error;
      await sleep(Math.min(100 * 2 ** attempt, 1000));
    }
  }

  async function withFetchConnection<T>(
    nodeId: number,
    use: (c: BrokerConnection) => Promise<T>,
  ): Promise<T> {
    if (!nodes.has(nodeId)) await node(nodeId);
    const entry = nodes.get(nodeId);
    if (!entry) throw retriableError(`Broker ${nodeId} is not in the cluster metadata.`);
    const busy = busyFetchConnections.get(nodeId) ?? 0;
    const idle = idleFetchConnections.get(nodeId) ?? [];
    if (busy >= options.maxFetchConnections) return use(await connectionOf(entry));
    const connection =
      idle.pop() ?? (await connector.connect({ host: entry.host, port: entry.port, rack: entry.rack }));
    const borrowedIn = generation;
    busyFetchConnections.set(nodeId, busy + 1);
    try {
      return await use(connection);
    } finally {
      busyFetchConnections.set(nodeId, (busyFetchConnections.get(nodeId) ?? 1) - 1);
      const pool = idleFetchConnections.get(nodeId) ?? [];
      idleFetchConnections.set(nodeId, pool);
      // Keep a few warm connections; close the rest, and everything borrowed before a close().
      if (borrowedIn === generation && connection.isConnected() && pool.length < 4) pool.push(connection);
      else void connection.disconnect().catch(() => undefined);
    }
  }

  async function cluster(): Promise<ClusterInfo> {
    if (!clusterInfo || clusterInfo.expiresAt <= now()) await requestMetadata(null, false);
    if (!clusterInfo) throw retriableError("No cluster metadata.");
    return clusterInfo.info;
  }

  return {
    cluster,

    async allTopics() {
      const metadata = await requestMetadata(null, false);
      return metadata.topicMetadata.filter((t) => t.topicErrorCode === NONE).map(toTopicInfo);
    },

    topic,
    topicConfigs,

    forget(name) {
      topics.delete(name);
      topicConfigsCache.delete(name);
    },

    node,
    any,

    async controller() {
      const { controllerId } = await cluster();
      return controllerId >= 0 ? node(controllerId) : any();
    },

    async coordinator(group, lookup = {}) {
      const cached = coordinators.get(group);
      if (cached && !lookup.fresh && cached.expiresAt > now() && nodes.has(cached.nodeId))
        return node(cached.nodeId);
      try {
        const nodeId = await findCoordinator(group);
        coordinators.set(group, { nodeId, expiresAt: now() + metadataTtlMs });
        return node(nodeId);
      } catch (error) {
        throw toProxyError(error, { group });
      }
    },

    withFetchConnection,

    async close() {
      generation++;
      const connections: Array<Promise<BrokerConnection>> = [];
      for (const entry of nodes.values()) if (entry.connection) connections.push(entry.connection);
      if (bootstrap) connections.push(bootstrap);
      for (const pool of idleFetchConnections.values())
        connections.push(...pool.map((c) => Promise.resolve(c)));
      nodes.clear();
      topics.clear();
      topicConfigsCache.clear();
      coordinators.clear();
      idleFetchConnections.clear();
      bootstrap = undefined;
      clusterInfo = undefined;
      brokerAutoCreate = undefined;
      await Promise.all(connections.map((c) => c.then((x) => x.disconnect()).catch(() => undefined)));
    },
  };
}
