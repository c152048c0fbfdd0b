import { ErrorCode, ProxyError, partitionNotFound, topicNotFound } from "../errors.ts";
import { partitionForKey } from "../utils/murmur2.ts";
import { invalidTopicNameReason } from "../utils/topic-name.ts";
import type {
  ClusterMetadata,
  CommitOffset,
  CommittedOffset,
  CreateTopicRequest,
  FetchedPartition,
  FetchOptions,
  FetchPosition,
  KafkaBackend,
  KafkaRecord,
  PartitionOffsets,
  ProduceRecord,
  ProduceResult,
  TimestampOffset,
  TopicMetadata,
  TopicPartition,
} from "./types.ts";

export interface MemoryBackendOptions {
  /** Create a topic on its first produce, as Kafka's auto.create.topics.enable does. */
  autoCreateTopics: boolean;
  /** Partitions of an auto-created topic (Kafka's num.partitions). */
  defaultPartitions: number;
  /** Largest key + value + headers size accepted per record (Kafka's max.message.bytes). */
  maxRecordBytes?: number;
  now?: () => number;
}

const BROKER_ID = 1;
const CLUSTER_ID = "embedded";
const MAX_PARTITIONS = 10_000;
const DEFAULT_MAX_RECORD_BYTES = 1_048_588;
const DEFAULT_TOPIC_CONFIGS: Record<string, string> = {
  "cleanup.policy": "delete",
  "retention.ms": "604800000",
  "max.message.bytes": String(DEFAULT_MAX_RECORD_BYTES),
};

interface PartitionLog {
  records: KafkaRecord[];
}

interface TopicLog {
  configs: Record<string, string>;
  partitions: PartitionLog[];
  /** Where the next record without key or partition goes; seeded randomly like kafkajs. */
  roundRobin: number;
}

/**
 * The embedded log: a single-broker Kafka in memory. Offsets start at 0 per partition, records are
 * immutable, the end offset is the next offset, and fetches wait for data like a broker does.
 * Nothing is persisted: it is the local-development default and the fast test backend.
 */
export function createMemoryBackend(options: MemoryBackendOptions): KafkaBackend {
  const now = options.now ?? Date.now;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const topics = new Map<string, TopicLog>();
  const groups = new Map<string, Map<string, CommittedOffset>>();
  const waiters = new Set<() => void>();

  function describe(name: string, log: TopicLog): TopicMetadata {
    return {
      name,
      internal: false,
      configs: { ...log.configs },
      partitions: log.partitions.map((_, partition) => ({
        partition,
        leader: BROKER_ID,
        replicas: [{ broker: BROKER_ID, leader: true, inSync: true }],
      })),
    };
  }

  function create(request: CreateTopicRequest): TopicLog {
    const reason = invalidTopicNameReason(request.topic);
    if (reason) throw new ProxyError(ErrorCode.KAFKA_BAD_REQUEST, reason);
    if (topics.has(request.topic)) {
      throw new ProxyError(ErrorCode.KAFKA_BAD_REQUEST, `Topic '${request.topic}' already exists.`);
    }
    if (!Number.isInteger(request.partitions) || request.partitions < 1) {
      throw new ProxyError(ErrorCode.KAFKA_BAD_REQUEST, "Number of partitions must be larger than 0.");
    }
    if (request.partitions > MAX_PARTITIONS) {
      throw new ProxyError(
        ErrorCode.KAFKA_BAD_REQUEST,
        `Number of partitions must be at most ${MAX_PARTITIONS} on the embedded log.`,
      );
    }
    const replication = request.replicationFactor ?? 1;
    if (replication !== 1 && replication !== -1) {
      throw new ProxyError(
        ErrorCode.KAFKA_BAD_REQUEST,
        `Replication factor: ${replication} larger than available brokers: 1.`,
      );
    }
    const log: TopicLog = {
      configs: { ...DEFAULT_TOPIC_CONFIGS, ...request.configs },
      partitions: Array.from({ length: request.partitions }, () => ({ records: [] })),
      roundRobin: Math.floor(Math.random() * 0x7fffffff),
    };
    if (!request.validateOnly) topics.set(request.topic, log);
    return log;
  }

  function existing(topic: string): TopicLog {
    const log = topics.get(topic);
    if (!log) throw topicNotFound(topic);
    return log;
  }

  function partitionLog(topic: string, partition: number): PartitionLog {
    const log = existing(topic).partitions[partition];
    if (!log) throw partitionNotFound(topic, partition);
    return log;
  }

  function choosePartition(log: TopicLog, record: ProduceRecord): number {
    if (record.partition !== undefined) return record.partition;
    if (record.key !== null) return partitionForKey(record.key, log.partitions.length);
    return log.roundRobin++ % log.partitions.length;
  }

  function recordSize(record: ProduceRecord): number {
    let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
    for (const header of record.headers ?? []) size += header.key.length + (header.value?.length ?? 0);
    return size;
  }

  function wake(): void {
    for (const waiter of waiters) waiter();
    waiters.clear();
  }

  function readAvailable(positions: FetchPosition[], maxBytes: number): FetchedPartition[] {
    let budget = maxBytes;
    let first = true;
    return positions.map(({ topic, partition, offset }) => {
      const records = partitionLog(topic, partition).records;
      const out: KafkaRecord[] = [];
      for (let o = Math.max(offset, 0); o < records.length; o++) {
        const record = records[o];
        const size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
        // Like a broker, always return at least one record so a large one cannot block a reader.
        if (!first && size > budget) break;
        out.push(record);
        budget -= size;
        first = false;
      }
      return { topic, partition, records: out, highWatermark: records.length };
    });
  }

  function waitForData(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  return {
    name: "memory",

    async describeCluster(): Promise<ClusterMetadata> {
      return {
        clusterId: CLUSTER_ID,
        controllerId: BROKER_ID,
        brokers: [{ id: BROKER_ID, host: "127.0.0.1", port: 9092 }],
      };
    },

    async listTopics() {
      return [...topics.keys()].sort();
    },

    async describeTopic(topic) {
      const log = topics.get(topic);
      return log && describe(topic, log);
    },

    async createTopic(request) {
      return describe(request.topic, create(request));
    },

    async deleteTopic(topic) {
      existing(topic);
      topics.delete(topic);
      for (const committed of groups.values()) {
        for (const [key, offset] of committed) if (offset.topic === topic) committed.delete(key);
      }
      wake();
    },

    async partitionOffsets(partitions): Promise<PartitionOffsets[]> {
      return partitions.map(({ topic, partition }) => ({
        topic,
        partition,
        beginning: 0,
        end: partitionLog(topic, partition).records.length,
      }));
    },

    async offsetsForTimes(partitions): Promise<TimestampOffset[]> {
      return partitions.map(({ topic, partition, timestamp }) => {
        const found = partitionLog(topic, partition).records.find((r) => r.timestamp >= timestamp);
        return { topic, partition, offset: found?.offset ?? null, timestamp: found?.timestamp ?? null };
      });
    },

    async produce(topic, records): Promise<ProduceResult[]> {
      let log = topics.get(topic);
      if (!log) {
        if (!options.autoCreateTopics) throw topicNotFound(topic);
        log = create({ topic, partitions: options.defaultPartitions });
      }
      const target = log;
      for (const record of records) {
        if (record.partition !== undefined && !target.partitions[record.partition]) {
          throw partitionNotFound(topic, record.partition);
        }
      }
      const results = records.map((record): ProduceResult => {
        const size = recordSize(record);
        if (size > maxRecordBytes) {
          return {
            ok: false,
            error: {
              kind: "too-large",
              retriable: false,
              message: `The message is ${size} bytes when serialized which is larger than the maximum request size you have configured with the max.message.bytes configuration (${maxRecordBytes}).`,
            },
          };
        }
        const partition = choosePartition(target, record);
        const stored = target.partitions[partition].records;
        const timestamp = record.timestamp ?? now();
        stored.push({
          topic,
          partition,
          offset: stored.length,
          timestamp,
          key: record.key,
          value: record.value,
          headers: record.headers ?? [],
        });
        return { ok: true, partition, offset: stored.length - 1, timestamp };
      });
      wake();
      return results;
    },

    async fetch(positions, options: FetchOptions) {
      const available = readAvailable(positions, options.maxBytes);
      if (available.some((p) => p.records.length > 0) || options.maxWaitMs <= 0) return available;
      await waitForData(options.maxWaitMs, options.signal);
      return readAvailable(positions, options.maxBytes);
    },

    async commitOffsets(group, offsets: CommitOffset[]) {
      for (const { topic, partition } of offsets) partitionLog(topic, partition);
      let committed = groups.get(group);
      if (!committed) {
        committed = new Map();
        groups.set(group, committed);
      }
      for (const { topic, partition, offset, metadata } of offsets) {
        committed.set(`${topic}\u0000${partition}`, { topic, partition, offset, metadata: metadata ?? "" });
      }
    },

    async committedOffsets(group, partitions: TopicPartition[]) {
      const committed = groups.get(group);
      if (!committed) return [];
      return partitions.flatMap(({ topic, partition }) => {
        const offset = committed.get(`${topic}\u0000${partition}`);
        return offset ? [{ ...offset }] : [];
      });
    },

    async close() {
      wake();
    },
  };
}
