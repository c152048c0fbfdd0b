/**
 * The Kafka port. Every backend (the embedded log, a real cluster over TCP, Kafka over HTTP)
 * implements it; core and routes see nothing else. Bytes are Uint8Array so the port runs on
 * Workers as well as Node. Failures are thrown as ProxyError (topic/partition not found,
 * Kafka errors with their retriable flag); per-record produce failures are returned, not thrown.
 */

export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}

export interface ProduceRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: RecordHeader[];
  /** Explicit partition; otherwise keyed records go where the Java client puts them. */
  partition?: number;
  /** Create time in ms since the epoch; defaults to the time of the write. */
  timestamp?: number;
}

export type ProduceResult =
  | { ok: true; partition: number; offset: number; timestamp: number }
  | { ok: false; error: RecordError };

export interface RecordError {
  message: string;
  retriable: boolean;
  /** What kind of failure, so the REST layer can answer 40101/40301/413 where Confluent does. */
  kind: "authentication" | "authorization" | "too-large" | "kafka";
}

export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

export interface ReplicaMetadata {
  broker: number;
  leader: boolean;
  inSync: boolean;
}

export interface PartitionMetadata {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  replicas: ReplicaMetadata[];
}

export interface TopicMetadata {
  name: string;
  internal: boolean;
  partitions: PartitionMetadata[];
  configs: Record<string, string>;
}

export interface BrokerMetadata {
  id: number;
  host: string;
  port: number;
}

export interface ClusterMetadata {
  clusterId: string;
  controllerId: number;
  brokers: BrokerMetadata[];
}

export interface CreateTopicRequest {
  topic: string;
  partitions: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  validateOnly?: boolean;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface PartitionOffsets extends TopicPartition {
  /** First offset still in the log (log start). */
  beginning: number;
  /** Offset the next record will get (high watermark). */
  end: number;
}

export interface TimestampOffset extends TopicPartition {
  /** First offset whose timestamp is at or after the one asked for; null when there is none. */
  offset: number | null;
  timestamp: number | null;
}

export interface FetchPosition extends TopicPartition {
  offset: number;
}

export interface FetchOptions {
  /** Upper bound on the key and value bytes returned, over all partitions (at least one record). */
  maxBytes: number;
  /** How long to wait for the first record when none is available yet. */
  maxWaitMs: number;
  /** Aborts a wait early (e.g. the client went away). */
  signal?: AbortSignal;
}

export interface FetchedPartition extends TopicPartition {
  records: KafkaRecord[];
  /** End offset of the partition when it was read. */
  highWatermark: number;
}

export interface CommitOffset extends TopicPartition {
  /** The next offset to read, as Kafka stores it. */
  offset: number;
  metadata?: string;
}

export interface CommittedOffset extends TopicPartition {
  offset: number;
  metadata: string;
}

export interface KafkaBackend {
  /** Short name for logs and /readyz: "memory", "kafka", "upstash". */
  readonly name: string;
  describeCluster(): Promise<ClusterMetadata>;
  listTopics(): Promise<string[]>;
  /** Undefined when the topic does not exist. */
  describeTopic(topic: string): Promise<TopicMetadata | undefined>;
  /** Throws ProxyError 40002 when the topic exists or the request is invalid. */
  createTopic(request: CreateTopicRequest): Promise<TopicMetadata>;
  /** Throws ProxyError 40401 when the topic does not exist. */
  deleteTopic(topic: string): Promise<void>;
  partitionOffsets(partitions: TopicPartition[]): Promise<PartitionOffsets[]>;
  offsetsForTimes(partitions: Array<TopicPartition & { timestamp: number }>): Promise<TimestampOffset[]>;
  /**
   * Writes records to one topic; one result per record, in order. Throws (writing nothing) when
   * the topic or an explicit partition does not exist.
   */
  produce(topic: string, records: ProduceRecord[]): Promise<ProduceResult[]>;
  /** Reads from explicit positions without any group membership. */
  fetch(positions: FetchPosition[], options: FetchOptions): Promise<FetchedPartition[]>;
  commitOffsets(group: string, offsets: CommitOffset[]): Promise<void>;
  /** Committed offsets of a group; partitions without a commit are left out. */
  committedOffsets(group: string, partitions: TopicPartition[]): Promise<CommittedOffset[]>;
  close(): Promise<void>;
}
