/**
 * @module The Kafka backend over HTTP, built on @upstash/kafka 1.3.5: `createUpstashBackend(options)`.
 *
 * Talks the Upstash Kafka REST dialect to any endpoint that serves it, e.g. a Node or Lambda
 * instance of this proxy (`http://host:8082/upstash`) in front of a real cluster, so a Worker
 * reaches Kafka with nothing but fetch. The dialect is narrower than the port; where it cannot say
 * something this backend says so (a ProxyError) or does the closest honest thing:
 * - keys, values and header values travel as UTF-8 text: records whose bytes are not UTF-8, with a
 *   null value or a null header value are refused (422) before anything is sent; a record without
 *   a key and one with an empty key read back alike (key null);
 * - topics cannot be created or deleted (40002); their configs are unknown ({}); the endpoint is
 *   shown as one broker, id 0, leading every partition;
 * - commit metadata is not carried (reads back as "");
 * - a fetch's abort signal is not passed on (the wait ends at maxWaitMs).
 */
import type { Kafka } from "@upstash/kafka";
import { ErrorCode, ProxyError, topicNotFound } from "../errors.ts";
import { fromUtf8, utf8 } from "../utils/bytes.ts";
import type {
  FetchedPartition,
  FetchOptions,
  FetchPosition,
  KafkaBackend,
  KafkaRecord,
  ProduceRecord,
  TopicMetadata,
  TopicPartition,
} from "./types.ts";
import { createUpstashClient, once, type RetryPolicy, withRetries } from "./upstash-client.ts";

export interface UpstashBackendOptions {
  /** The endpoint, e.g. http://proxy:8082/upstash (UPSTASH_KAFKA_REST_URL). */
  url: string;
  username: string;
  password: string;
  /** Extra tries of calls that are safe to repeat, after 100, 200, 400 ms… (default 2). Never produce. */
  retries?: number;
  retryBackoffMs?: number;
  /**
   * The consumer instance named in /commit and /committed, which the dialect addresses per instance
   * while the port commits per group (default "kafka-edge-proxy").
   */
  instanceId?: string;
}

const key = (topic: string, partition: number) => `${partition}:${topic}`;

/** A key, value or header value as the dialect's string; 422 when it cannot be one. */
function toText(bytes: Uint8Array | null, what: string, index: number): string {
  const text = bytes === null ? undefined : fromUtf8(bytes);
  if (text === undefined) {
    throw new ProxyError(
      ErrorCode.UNPROCESSABLE,
      `Record ${index} cannot be sent over the Upstash Kafka REST dialect (KAFKA_BACKEND=upstash): its ${what} is ${bytes === null ? "null" : "not UTF-8 text"}, and the dialect carries only text.`,
    );
  }
  return text;
}

function toMessage(topic: string, record: ProduceRecord, index: number) {
  return {
    topic,
    value: toText(record.value, "value", index),
    ...(record.key === null ? {} : { key: toText(record.key, "key", index) }),
    ...(record.partition === undefined ? {} : { partition: record.partition }),
    ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
    ...(record.headers?.length
      ? {
          headers: record.headers.map((h) => ({
            key: h.key,
            value: toText(h.value, `header '${h.key}'`, index),
          })),
        }
      : {}),
  };
}

interface UpstashMessage {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string;
  value: string;
  headers?: Array<{ key: string; value: string }>;
}

function toRecord(m: UpstashMessage): KafkaRecord {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    // The dialect answers "" for a record without a key; an empty key reads the same.
    key: m.key ? utf8(m.key) : null,
    value: utf8(m.value ?? ""),
    headers: (m.headers ?? []).map((h) => ({ key: h.key, value: utf8(h.value ?? "") })),
  };
}

/** Keeps records within maxBytes of keys and values, but always the first one. */
function trim(partitions: FetchedPartition[], maxBytes: number): void {
  let bytes = 0;
  let kept = 0;
  for (const partition of partitions) {
    const records: KafkaRecord[] = [];
    for (const record of partition.records) {
      const size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
      if (kept > 0 && bytes + size > maxBytes) break;
      records.push(record);
      bytes += size;
      kept++;
    }
    partition.records = records;
  }
}

/**
 * A KafkaBackend over HTTP, for runtimes without TCP (Workers): every operation is one or a few
 * calls of @upstash/kafka to an Upstash-compatible endpoint.
 *
 * @example
 * const backend = createUpstashBackend({ url: "http://proxy:8082/upstash", username: "u", password: "p" });
 */
export function createUpstashBackend(options: UpstashBackendOptions): KafkaBackend {
  const kafka: Kafka = createUpstashClient(options);
  const producer = kafka.producer();
  const consumer = kafka.consumer();
  const admin = kafka.admin();
  const policy: RetryPolicy = { retries: options.retries ?? 2, backoffMs: options.retryBackoffMs ?? 100 };
  const instanceId = options.instanceId ?? "kafka-edge-proxy";
  const endpoint = new URL(options.url);

  const topics = () => withRetries(policy, () => admin.topics());

  const offsetsAt = async (timestamp: number | "earliest" | "latest", partitions: TopicPartition[]) => {
    const found = await withRetries(policy, () =>
      admin.topicPartitionOffsets({ timestamp, topicPartitions: partitions }),
    );
    return new Map(found.map((o) => [key(o.topic, o.partition), o.offset]));
  };

  const describeTopic = async (topic: string): Promise<TopicMetadata | undefined> => {
    const count = (await topics())[topic];
    if (count === undefined) return undefined;
    return {
      name: topic,
      internal: topic.startsWith("__"),
      partitions: Array.from({ length: count }, (_, partition) => ({
        partition,
        leader: 0,
        replicas: [{ broker: 0, leader: true, inSync: true }],
      })),
      configs: {},
    };
  };

  const notExpressible = (what: string) =>
    new ProxyError(
      ErrorCode.KAFKA_BAD_REQUEST,
      `The Upstash Kafka REST dialect (KAFKA_BACKEND=upstash) cannot ${what}: do it on the cluster behind ${endpoint.origin}.`,
    );

  return {
    name: "upstash",

    async describeCluster() {
      await topics();
      const port = Number(endpoint.port) || (endpoint.protocol === "https:" ? 443 : 80);
      return { clusterId: "upstash", controllerId: 0, brokers: [{ id: 0, host: endpoint.hostname, port }] };
    },

    async listTopics() {
      return Object.keys(await topics()).sort();
    },

    describeTopic,

    async createTopic(request) {
      if (await describeTopic(request.topic)) {
        throw new ProxyError(ErrorCode.KAFKA_BAD_REQUEST, `Topic '${request.topic}' already exists.`);
      }
      throw notExpressible("create topics");
    },

    async deleteTopic(topic) {
      if (!(await describeTopic(topic))) throw topicNotFound(topic);
      throw notExpressible("delete topics");
    },

    async partitionOffsets(partitions) {
      if (partitions.length === 0) return [];
      const [beginning, end] = await Promise.all([
        offsetsAt("earliest", partitions),
        offsetsAt("latest", partitions),
      ]);
      return partitions.map(({ topic, partition }) => ({
        topic,
        partition,
        beginning: beginning.get(key(topic, partition)) ?? 0,
        end: end.get(key(topic, partition)) ?? 0,
      }));
    },

    async offsetsForTimes(partitions) {
      return Promise.all(
        partitions.map(async ({ topic, partition, timestamp }) => {
          const offset =
            (await offsetsAt(timestamp, [{ topic, partition }])).get(key(topic, partition)) ?? -1;
          if (offset < 0) return { topic, partition, offset: null, timestamp: null };
          // The dialect answers offsets only: the record there tells its timestamp.
          const [record] = await withRetries(policy, () =>
            consumer.fetch({ topic, partition, offset, timeout: 0 }, { parallel: false }),
          );
          return { topic, partition, offset, timestamp: record?.timestamp ?? null };
        }),
      );
    },

    async produce(topic, records) {
      if (records.length === 0) return [];
      const messages = records.map((record, index) => toMessage(topic, record, index));
      const metadata = await once(() => producer.produceMany(messages));
      return metadata.map((m) => ({
        ok: true,
        partition: m.partition,
        offset: m.offset,
        timestamp: m.timestamp,
      }));
    },

    async fetch(positions: FetchPosition[], fetchOptions: FetchOptions) {
      if (positions.length === 0) return [];
      const distinct = [...new Map(positions.map((p) => [key(p.topic, p.partition), p])).values()];
      // One request for every position (not the client's one per position, which would wait for
      // the slowest partition); the end offsets are asked for meanwhile.
      const [messages, ends] = await Promise.all([
        withRetries(policy, () =>
          consumer.fetch(
            { topicPartitionOffsets: positions, timeout: fetchOptions.maxWaitMs },
            { parallel: false },
          ),
        ),
        offsetsAt("latest", distinct),
      ]);
      const records = (messages as UpstashMessage[]).map(toRecord);
      const fetched = positions.map(({ topic, partition, offset }) => {
        const own = records.filter((r) => r.topic === topic && r.partition === partition);
        const last = own.at(-1);
        return {
          topic,
          partition,
          records: own.filter((r) => r.offset >= offset),
          highWatermark: Math.max(ends.get(key(topic, partition)) ?? 0, last ? last.offset + 1 : 0),
        };
      });
      trim(fetched, fetchOptions.maxBytes);
      return fetched;
    },

    async commitOffsets(group, offsets) {
      // An empty commit means "everything consumed" in the dialect: never send one.
      if (offsets.length === 0) return;
      const offset = offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset }));
      await withRetries(policy, () => consumer.commit({ consumerGroupId: group, instanceId, offset }));
    },

    async committedOffsets(group, partitions) {
      if (partitions.length === 0) return [];
      const committed = await withRetries(policy, () =>
        consumer.committed({ consumerGroupId: group, instanceId, topicPartitions: partitions }),
      );
      return committed
        .filter((c) => c.offset >= 0)
        .map(({ topic, partition, offset }) => ({ topic, partition, offset, metadata: "" }));
    },

    async close() {},
  };
}
