/**
 * @module The one place that reaches below kafkajs's public API. kafkajs has no group-less fetch and
 * no group-less commit (reference/kafka-notes.md §3.3), and its request parsers throw on the first
 * partition error, which loses per-partition results. So this module uses kafkajs for what it is good
 * at — connections, TLS, SASL, API version negotiation and the wire codecs — and sends the requests
 * itself with parsing turned off, so callers see every partition's error code.
 *
 * Private pieces used (all checked against kafkajs 2.2.4, which is pinned in package.json and checked
 * at load time below):
 * - the `Symbol('private:Kafka:createCluster')` factory on a `Kafka` instance, for its
 *   `connectionPoolBuilder`, `brokerPool.createBroker` and `rootLogger` (the cluster itself is never
 *   connected);
 * - `Broker#lookupRequest` and `Broker#connectionPool.send`;
 * - `kafkajs/src/protocol/requests` (request definitions), `.../requests/apiKeys` and
 *   `kafkajs/src/protocol/error` (the broker error table);
 * - `kafkajs/src/protocol/encoder`, `.../recordBatch/v0` and `.../recordBatch/header/v0`: Produce
 *   requests (v3+) are encoded here, because kafkajs's record encoder throws on null header values
 *   and groups headers by key; the batch framing, CRC and gzip are still kafkajs's.
 *
 * Fetch is sent as Fetch v11 (or the highest the broker and kafkajs share) with session id 0 and
 * epoch -1: sessionless, nothing is kept on the broker between requests.
 */
import { createRequire } from "node:module";
import type { KafkaConfig } from "kafkajs";
import kafkajs from "kafkajs";

export const KAFKAJS_VERSION = "2.2.4";

const require = createRequire(import.meta.url);
const installed: string = require("kafkajs/package.json").version;
if (installed !== KAFKAJS_VERSION) {
  throw new Error(
    `src/backends/kafkajs-protocol.ts uses kafkajs ${KAFKAJS_VERSION} internals but kafkajs ${installed} is installed; pin kafkajs to ${KAFKAJS_VERSION} or re-check the internals.`,
  );
}

/** A kafkajs request definition: versions it implements and a factory per version. */
type RequestDefinition = unknown;

interface WireRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse?: () => boolean;
  encode(): Promise<unknown>;
}

interface ProtocolRequest {
  request: WireRequest;
  response: { decode(data: unknown): Promise<unknown>; parse(data: unknown): Promise<unknown> };
  requestTimeout?: number;
}

interface InternalConnectionPool {
  host: string;
  port: number;
  rack?: string | null;
  send(request: ProtocolRequest & { logResponseError?: boolean }): Promise<unknown>;
}

interface InternalBroker {
  isConnected(): boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  lookupRequest(apiKey: number, definition: RequestDefinition): (args: object) => ProtocolRequest;
  connectionPool: InternalConnectionPool;
}

interface InternalCluster {
  rootLogger: unknown;
  connectionPoolBuilder: {
    build(address?: { host: string; port: number; rack?: string | null }): Promise<InternalConnectionPool>;
  };
  brokerPool: { createBroker(options: object): InternalBroker };
}

const { requests } = require("kafkajs/src/protocol/requests/index.js") as {
  requests: Record<string, RequestDefinition>;
};
const apiKeys = require("kafkajs/src/protocol/requests/apiKeys.js") as Record<string, number>;
interface Encoder {
  size(): number;
  writeInt8(value: number): Encoder;
  writeInt16(value: number): Encoder;
  writeInt32(value: number): Encoder;
  writeString(value: string | null): Encoder;
  writeVarInt(value: number): Encoder;
  writeVarLong(value: number): Encoder;
  writeVarIntBytes(value: Buffer | null): Encoder;
  writeVarIntArray(values: Encoder[]): Encoder;
  writeArray(values: Encoder[]): Encoder;
  writeEncoder(value: Encoder): Encoder;
}
const EncoderClass = require("kafkajs/src/protocol/encoder.js") as new () => Encoder;
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch(options: {
    compression: number;
    records: Encoder[];
    firstTimestamp: number;
    maxTimestamp: number;
    lastOffsetDelta: number;
  }): Promise<Encoder>;
};
const encodeHeader = require("kafkajs/src/protocol/recordBatch/header/v0/index.js") as (header: {
  key: string;
  value: Buffer | null;
}) => Encoder;
const protocolErrors = require("kafkajs/src/protocol/error.js") as {
  errorCodes: Array<{ type: string; code: number; retriable: boolean; message: string }>;
  createErrorFromCode(code: number): Error & { type: string; code: number; retriable: boolean };
};

/** A Kafka protocol error (`KafkaJSProtocolError`) for a broker error code, with type and retriable. */
export function protocolError(code: number): Error & { type: string; code: number; retriable: boolean } {
  return protocolErrors.createErrorFromCode(code);
}

/** The broker error type name for a code, e.g. 3 → "UNKNOWN_TOPIC_OR_PARTITION". */
export function errorType(code: number): string {
  return protocolErrors.errorCodes.find((e) => e.code === code)?.type ?? `UNKNOWN_ERROR_CODE_${code}`;
}

export const NONE = 0;
export const UNKNOWN_SERVER_ERROR = -1;
export const UNKNOWN_TOPIC_OR_PARTITION = 3;
export const LEADER_NOT_AVAILABLE = 5;
export const NOT_CONTROLLER = 41;
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;
export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;
export const RESOURCE_TYPE_TOPIC = 2;
export const RESOURCE_TYPE_BROKER = 4;

// ---- decoded responses (the shapes kafkajs's decoders produce) ----

export interface DecodedMetadata {
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
  clusterId?: string | null;
  controllerId?: number;
  topicMetadata: Array<{
    topicErrorCode: number;
    topic: string;
    isInternal?: boolean;
    partitionMetadata: Array<{
      partitionErrorCode: number;
      partitionId: number;
      leader: number;
      replicas: number[];
      isr: number[];
    }>;
  }>;
}

export interface DecodedProduce {
  topics: Array<{
    topicName: string;
    partitions: Array<{ partition: number; errorCode: number; baseOffset: string; logAppendTime: string }>;
  }>;
}

export interface DecodedRecord {
  offset: string;
  timestamp: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array | null | Array<Uint8Array | null>>;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean; isControlBatch: boolean };
}

export interface DecodedFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset?: string;
  abortedTransactions?: Array<{ producerId: string; firstOffset: string }>;
  messages: DecodedRecord[];
}

export interface DecodedFetch {
  errorCode?: number;
  responses: Array<{ topicName: string; partitions: DecodedFetchPartition[] }>;
}

export interface DecodedListOffsets {
  responses: Array<{
    topic: string;
    partitions: Array<{ partition: number; errorCode: number; timestamp?: string; offset: string }>;
  }>;
}

export interface DecodedPartitionErrors {
  responses: Array<{ topic: string; partitions: Array<{ partition: number; errorCode: number }> }>;
}

export interface DecodedOffsetFetch {
  errorCode?: number;
  responses: Array<{
    topic: string;
    partitions: Array<{ partition: number; offset: string; metadata: string | null; errorCode: number }>;
  }>;
}

export interface DecodedTopicErrors {
  topicErrors: Array<{ topic: string; errorCode: number; errorMessage?: string | null }>;
}

export interface DecodedDescribeConfigs {
  resources: Array<{
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
    configEntries: Array<{ configName: string; configValue: string | null; isSensitive: boolean }>;
  }>;
}

export interface DecodedFindCoordinator {
  errorCode: number;
  errorMessage?: string | null;
  coordinator: { nodeId: number; host: string; port: number };
}

// ---- requests ----

export interface RecordToWrite {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  /** In order; keys may repeat and values may be null. */
  headers: Array<{ key: string; value: Buffer | null }>;
}

export interface ProduceArgs {
  topic: string;
  partitions: Array<{ partition: number; records: RecordToWrite[] }>;
  acks: -1 | 0 | 1;
  timeoutMs: number;
  /** kafkajs CompressionTypes: 0 none, 1 gzip. */
  compression: 0 | 1;
}

export interface FetchArgs {
  maxWaitMs: number;
  maxBytes: number;
  topics: Array<{
    topic: string;
    partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }>;
  }>;
}

/** One connection pool to one broker, speaking raw requests whose responses are never thrown. */
export interface BrokerConnection {
  readonly host: string;
  readonly port: number;
  isConnected(): boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  metadata(topics: string[] | null, allowAutoTopicCreation: boolean): Promise<DecodedMetadata>;
  /** Resolves undefined with acks=0 (the broker does not answer). */
  produce(args: ProduceArgs): Promise<DecodedProduce | undefined>;
  fetch(args: FetchArgs): Promise<DecodedFetch>;
  listOffsets(
    topics: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number }> }>,
    isolationLevel: number,
  ): Promise<DecodedListOffsets>;
  /** OffsetCommit as a "simple" group: generation -1 and member id "" (kafka-notes §2.4). */
  offsetCommit(
    groupId: string,
    topics: Array<{
      topic: string;
      partitions: Array<{ partition: number; offset: string; metadata: string | null }>;
    }>,
  ): Promise<DecodedPartitionErrors>;
  offsetFetch(
    groupId: string,
    topics: Array<{ topic: string; partitions: Array<{ partition: number }> }>,
  ): Promise<DecodedOffsetFetch>;
  findCoordinator(groupId: string): Promise<DecodedFindCoordinator>;
  createTopics(
    topics: Array<{
      topic: string;
      numPartitions: number;
      replicationFactor: number;
      configEntries: Array<{ name: string; value: string }>;
    }>,
    validateOnly: boolean,
    timeoutMs: number,
  ): Promise<DecodedTopicErrors>;
  deleteTopics(topics: string[], timeoutMs: number): Promise<DecodedTopicErrors>;
  describeConfigs(
    resources: Array<{ type: number; name: string; configNames?: string[] }>,
  ): Promise<DecodedDescribeConfigs>;
}

export interface Connector {
  /** A connection to one of the bootstrap brokers, rotating through the list on each call. */
  bootstrap(): Promise<BrokerConnection>;
  /** A new connection pool to a known broker. */
  connect(address: { host: string; port: number; rack?: string | null }): Promise<BrokerConnection>;
}

const identityParse = async (data: unknown) => data;

/** A v2-format record (Kafka's DefaultRecord): length, attributes, deltas, key, value, headers. */
function encodeRecord(record: RecordToWrite, offsetDelta: number, timestampDelta: number): Encoder {
  const body = new EncoderClass()
    .writeInt8(0)
    .writeVarLong(timestampDelta)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(record.key)
    .writeVarIntBytes(record.value)
    .writeVarIntArray(record.headers.map(encodeHeader));
  return new EncoderClass().writeVarInt(body.size()).writeEncoder(body);
}

/** Produce Request v3..v7 (identical layout): transactional_id acks timeout [topic [partition records]]. */
async function encodeProduce(args: ProduceArgs): Promise<Encoder> {
  const partitions: Encoder[] = [];
  for (const { partition, records } of args.partitions) {
    let first = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const r of records) {
      first = Math.min(first, r.timestamp);
      max = Math.max(max, r.timestamp);
    }
    const batch = await RecordBatch({
      compression: args.compression,
      records: records.map((r, i) => encodeRecord(r, i, r.timestamp - first)),
      firstTimestamp: first,
      maxTimestamp: max,
      lastOffsetDelta: records.length - 1,
    });
    partitions.push(new EncoderClass().writeInt32(partition).writeInt32(batch.size()).writeEncoder(batch));
  }
  return new EncoderClass()
    .writeString(null)
    .writeInt16(args.acks)
    .writeInt32(args.timeoutMs)
    .writeArray([new EncoderClass().writeString(args.topic).writeArray(partitions)]);
}

function wrap(broker: InternalBroker): BrokerConnection {
  // The socket counts as connected before Broker#connect has negotiated API versions; until then
  // lookupRequest is a stub that throws. Ready means both, and one connect runs at a time.
  const notNegotiated = broker.lookupRequest;
  const isReady = () => broker.isConnected() && broker.lookupRequest !== notNegotiated;
  let connecting: Promise<void> | undefined;
  async function ready(): Promise<void> {
    if (isReady()) return;
    connecting ??= broker.connect().finally(() => {
      connecting = undefined;
    });
    await connecting;
  }

  async function send<T>(name: string, args: object, encode?: () => Promise<unknown>): Promise<T> {
    await ready();
    const protocol = broker.lookupRequest(apiKeys[name], requests[name])(args);
    if (encode && protocol.request.apiVersion < 3) {
      throw new Error(
        `The broker only supports ${name} v${protocol.request.apiVersion}; Kafka 0.11 or later is needed`,
      );
    }
    try {
      return (await broker.connectionPool.send({
        ...protocol,
        request: encode ? { ...protocol.request, encode } : protocol.request,
        response: { decode: protocol.response.decode, parse: identityParse },
        logResponseError: false,
      })) as T;
    } catch (error) {
      // What Broker's private sendRequest does: a closed connection must be re-established next time.
      if ((error as Error).name === "KafkaJSConnectionClosedError") await broker.disconnect();
      throw error;
    }
  }

  return {
    host: broker.connectionPool.host,
    port: broker.connectionPool.port,
    isConnected: isReady,
    connect: ready,
    disconnect: () => broker.disconnect(),
    metadata: (topics, allowAutoTopicCreation) =>
      send("Metadata", { topics: topics ?? [], allowAutoTopicCreation }),
    produce: (args) =>
      send("Produce", { acks: args.acks, timeout: args.timeoutMs, topicData: [] }, () => encodeProduce(args)),
    fetch: ({ maxWaitMs, maxBytes, topics }) =>
      send("Fetch", {
        replicaId: -1,
        isolationLevel: READ_COMMITTED,
        maxWaitTime: maxWaitMs,
        minBytes: 1,
        maxBytes,
        topics,
        // Sessionless (FetchMetadata.LEGACY); these are also kafkajs's v7+ defaults.
        sessionId: 0,
        sessionEpoch: -1,
      }),
    listOffsets: (topics, isolationLevel) => send("ListOffsets", { replicaId: -1, isolationLevel, topics }),
    offsetCommit: (groupId, topics) =>
      send("OffsetCommit", { groupId, groupGenerationId: -1, memberId: "", retentionTime: -1, topics }),
    offsetFetch: (groupId, topics) => send("OffsetFetch", { groupId, topics }),
    findCoordinator: (groupId) => send("GroupCoordinator", { groupId, coordinatorType: 0 }),
    createTopics: (topics, validateOnly, timeoutMs) =>
      send("CreateTopics", { topics, validateOnly, timeout: timeoutMs }),
    deleteTopics: (topics, timeoutMs) => send("DeleteTopics", { topics, timeout: timeoutMs }),
    describeConfigs: (resources) => send("DescribeConfigs", { resources, includeSynonyms: false }),
  };
}

/**
 * Builds connections with the settings of a kafkajs client (brokers, TLS, SASL, timeouts, logger).
 * Nothing connects until a request is sent.
 */
export function createConnector(config: KafkaConfig): Connector {
  const kafka = new kafkajs.Kafka(config);
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === "private:Kafka:createCluster",
  );
  if (!symbol) throw new Error(`kafkajs ${installed}: private:Kafka:createCluster not found`);
  const createCluster = (kafka as unknown as Record<symbol, (options: object) => InternalCluster>)[symbol];
  const cluster = createCluster({ allowAutoTopicCreation: false, metadataMaxAge: 0 });

  async function open(address?: { host: string; port: number; rack?: string | null }) {
    const connectionPool = await cluster.connectionPoolBuilder.build(address);
    return wrap(cluster.brokerPool.createBroker({ connectionPool, logger: cluster.rootLogger }));
  }

  return {
    bootstrap: () => open(),
    connect: (address) => open(address),
  };
}
