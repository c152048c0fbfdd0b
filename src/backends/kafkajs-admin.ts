/**
 * @module Topic admin for the kafkajs backend: CreateTopics and DeleteTopics at the controller,
 * DescribeConfigs for topic configs, and topic metadata in the port's shape. Creation and deletion
 * wait (briefly) until the metadata agrees, so a describe right after sees the change.
 */
import { ErrorCode, ProxyError, topicNotFound } from "../errors.ts";
import { invalidTopicNameReason } from "../utils/topic-name.ts";
import type { ClusterClient, TopicInfo } from "./kafkajs-cluster.ts";
import { withRetries } from "./kafkajs-cluster.ts";
import { fromErrorCode, routingError } from "./kafkajs-errors.ts";
import { NONE, NOT_CONTROLLER, UNKNOWN_TOPIC_OR_PARTITION } from "./kafkajs-protocol.ts";
import type { CreateTopicRequest, TopicMetadata } from "./types.ts";

export interface AdminSettings {
  retries: number;
  retryBackoffMs: number;
  /** Broker-side timeout of CreateTopics/DeleteTopics, and how long to wait for metadata to agree. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function toTopicMetadata(info: TopicInfo, configs: Record<string, string>): TopicMetadata {
  return {
    name: info.name,
    internal: info.internal,
    configs,
    partitions: info.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas.map((broker) => ({
        broker,
        leader: broker === p.leader,
        inSync: p.isr.includes(broker),
      })),
    })),
  };
}

export async function describeTopic(client: ClusterClient, name: string): Promise<TopicMetadata | undefined> {
  if (invalidTopicNameReason(name)) return undefined;
  const info = await client.topic(name);
  if (!info) return undefined;
  try {
    return toTopicMetadata(info, await client.topicConfigs(name));
  } catch (error) {
    // Deleted between the two requests.
    if (error instanceof ProxyError && error.code === ErrorCode.TOPIC_NOT_FOUND) return undefined;
    throw error;
  }
}

export async function listTopicNames(client: ClusterClient): Promise<string[]> {
  const topics = await client.allTopics();
  return topics
    .filter((t) => !t.internal)
    .map((t) => t.name)
    .sort();
}

/** Polls fresh metadata until `done` holds or the timeout passes; returns the last answer. */
async function settle(
  client: ClusterClient,
  name: string,
  done: (info: TopicInfo | undefined) => boolean,
  timeoutMs: number,
): Promise<TopicInfo | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await client.topic(name, { fresh: true });
    if (done(info) || Date.now() >= deadline) return info;
    await sleep(50);
  }
}

export async function createTopic(
  client: ClusterClient,
  settings: AdminSettings,
  request: CreateTopicRequest,
): Promise<TopicMetadata> {
  const reason = invalidTopicNameReason(request.topic);
  if (reason) throw new ProxyError(ErrorCode.KAFKA_BAD_REQUEST, reason);
  const configEntries = Object.entries(request.configs ?? {}).map(([name, value]) => ({ name, value }));
  await withRetries(
    async () => {
      const controller = await client.controller();
      const response = await controller.createTopics(
        [
          {
            topic: request.topic,
            numPartitions: request.partitions,
            // -1: the broker's default.replication.factor (CreateTopics v4 semantics, accepted by KRaft).
            replicationFactor: request.replicationFactor ?? -1,
            configEntries,
          },
        ],
        request.validateOnly ?? false,
        settings.timeoutMs,
      );
      const answer = response.topicErrors.find((t) => t.topic === request.topic);
      if (!answer || answer.errorCode === NONE) return;
      if (answer.errorCode === NOT_CONTROLLER) throw routingError(answer.errorCode, { topic: request.topic });
      throw fromErrorCode(answer.errorCode, {}, answer.errorMessage);
    },
    { retries: settings.retries, backoffMs: settings.retryBackoffMs },
  );
  if (request.validateOnly) {
    return {
      name: request.topic,
      internal: false,
      configs: { ...request.configs },
      partitions: Array.from({ length: request.partitions }, (_, partition) => ({
        partition,
        leader: -1,
        replicas: [],
      })),
    };
  }
  client.forget(request.topic);
  const info = await settle(
    client,
    request.topic,
    (t) =>
      t !== undefined &&
      t.partitions.length === request.partitions &&
      t.partitions.every((p) => p.leader >= 0),
    settings.timeoutMs,
  );
  if (!info) {
    throw new ProxyError(
      ErrorCode.KAFKA_RETRIABLE_ERROR,
      `Topic '${request.topic}' was created but its metadata is not available yet.`,
    );
  }
  return toTopicMetadata(info, await client.topicConfigs(request.topic));
}

export async function deleteTopic(
  client: ClusterClient,
  settings: AdminSettings,
  name: string,
): Promise<void> {
  if (invalidTopicNameReason(name)) throw topicNotFound(name);
  await withRetries(
    async () => {
      const controller = await client.controller();
      const response = await controller.deleteTopics([name], settings.timeoutMs);
      const answer = response.topicErrors.find((t) => t.topic === name);
      if (!answer || answer.errorCode === NONE) return;
      if (answer.errorCode === NOT_CONTROLLER) throw routingError(answer.errorCode, { topic: name });
      if (answer.errorCode === UNKNOWN_TOPIC_OR_PARTITION) throw topicNotFound(name);
      throw fromErrorCode(answer.errorCode, { topic: name });
    },
    { retries: settings.retries, backoffMs: settings.retryBackoffMs },
  );
  client.forget(name);
  await settle(client, name, (t) => t === undefined, settings.timeoutMs);
}
