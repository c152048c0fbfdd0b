/**
 * @module Every Kafka failure of the kafkajs backend becomes a ProxyError (or a per-record
 * RecordError) here and nowhere else: broker error codes from responses, kafkajs errors
 * (`KafkaJSProtocolError` with `type`/`retriable`, connection, timeout and SASL errors) and
 * exhausted retries.
 */
import { ErrorCode, ProxyError, partitionNotFound, topicNotFound } from "../errors.ts";
import { errorType, protocolError } from "./kafkajs-protocol.ts";
import type { RecordError } from "./types.ts";

/** What a request was about, to name it in messages and to tell 40401 from 40402. */
export interface ErrorContext {
  topic?: string;
  partition?: number;
  group?: string;
}

type KafkaLikeError = Error & { type?: string; code?: number | string; retriable?: boolean; cause?: unknown };

const AUTHENTICATION = new Set([
  "SASL_AUTHENTICATION_FAILED",
  "ILLEGAL_SASL_STATE",
  "UNSUPPORTED_SASL_MECHANISM",
]);
const AUTHORIZATION = new Set([
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
]);
const TOO_LARGE = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);
/** The caller asked for something Kafka refuses as such: Confluent answers 40002. */
const BAD_REQUEST = new Set([
  "TOPIC_ALREADY_EXISTS",
  "INVALID_TOPIC_EXCEPTION",
  "INVALID_PARTITIONS",
  "INVALID_REPLICATION_FACTOR",
  "INVALID_REPLICA_ASSIGNMENT",
  "INVALID_CONFIG",
  "INVALID_REQUEST",
  "INVALID_TIMESTAMP",
  "INVALID_COMMIT_OFFSET_SIZE",
  "INVALID_GROUP_ID",
  "INVALID_RECORD",
  "OFFSET_METADATA_TOO_LARGE",
  "POLICY_VIOLATION",
  "TOPIC_DELETION_DISABLED",
  "UNSUPPORTED_COMPRESSION_TYPE",
]);
/** A simple-group commit refused because the group has live members (kafka-notes §2.4). */
const GROUP_BUSY = new Set([
  "UNKNOWN_MEMBER_ID",
  "ILLEGAL_GENERATION",
  "REBALANCE_IN_PROGRESS",
  "FENCED_INSTANCE_ID",
]);
/** kafkajs errors that mean "the cluster could not be reached in time": always worth retrying. */
const UNREACHABLE = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSLockTimeout",
  "KafkaJSTimeout",
  "KafkaJSMetadataNotLoaded",
  "KafkaJSTopicMetadataNotLoaded",
  "KafkaJSGroupCoordinatorNotFound",
]);

function describe(context: ErrorContext): string {
  const parts: string[] = [];
  if (context.group !== undefined) parts.push(`group '${context.group}'`);
  if (context.topic !== undefined) parts.push(`topic '${context.topic}'`);
  if (context.partition !== undefined) parts.push(`partition ${context.partition}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** The error a broker error code in a response stands for. */
export function fromErrorCode(
  code: number,
  context: ErrorContext = {},
  brokerMessage?: string | null,
): ProxyError {
  const error = protocolError(code);
  if (brokerMessage) error.message = brokerMessage;
  return toProxyError(error, context);
}

/** Maps anything kafkajs or a broker throws to the Confluent code the REST layer answers with. */
export function toProxyError(error: unknown, context: ErrorContext = {}): ProxyError {
  if (error instanceof ProxyError) return error;
  const e = error as KafkaLikeError;
  if (!(e instanceof Error))
    return new ProxyError(ErrorCode.KAFKA_ERROR, String(error), { retriable: false });

  if (e.name === "KafkaJSNumberOfRetriesExceeded" && e.cause) {
    const inner = toProxyError(e.cause, context);
    return new ProxyError(inner.code, inner.message, { cause: error, retriable: inner.retriable });
  }
  const type = typeof e.type === "string" ? e.type : undefined;
  const where = describe(context);

  if (e.name === "KafkaJSSASLAuthenticationError" || (type && AUTHENTICATION.has(type))) {
    return new ProxyError(ErrorCode.KAFKA_AUTHENTICATION, `Authentication with Kafka failed: ${e.message}`, {
      cause: error,
      retriable: false,
    });
  }
  if (type && AUTHORIZATION.has(type)) {
    return new ProxyError(ErrorCode.KAFKA_AUTHORIZATION, `Not authorized${where}: ${e.message}`, {
      cause: error,
      retriable: false,
    });
  }
  if (type === "UNKNOWN_TOPIC_OR_PARTITION" && context.topic !== undefined) {
    const notFound =
      context.partition === undefined
        ? topicNotFound(context.topic)
        : partitionNotFound(context.topic, context.partition);
    return new ProxyError(notFound.code, notFound.message, { cause: error, retriable: false });
  }
  if (type && TOO_LARGE.has(type)) {
    return new ProxyError(ErrorCode.PAYLOAD_TOO_LARGE, `${e.message}${where}`, {
      cause: error,
      retriable: false,
    });
  }
  if (type && BAD_REQUEST.has(type)) {
    return new ProxyError(ErrorCode.KAFKA_BAD_REQUEST, e.message, { cause: error, retriable: false });
  }
  if (type && GROUP_BUSY.has(type)) {
    return new ProxyError(
      ErrorCode.ILLEGAL_STATE,
      `Offsets can only be committed for a group without active members${where}: ${e.message}`,
      { cause: error, retriable: false },
    );
  }
  if (UNREACHABLE.has(e.name)) {
    return new ProxyError(ErrorCode.KAFKA_RETRIABLE_ERROR, `Kafka is not reachable${where}: ${e.message}`, {
      cause: error,
      retriable: true,
    });
  }
  if (e.name.startsWith("KafkaJS") || type !== undefined) {
    const retriable = e.retriable === true;
    const label = type ? `${type}: ` : "";
    return new ProxyError(
      retriable ? ErrorCode.KAFKA_RETRIABLE_ERROR : ErrorCode.KAFKA_ERROR,
      `${label}${e.message}${where}`,
      { cause: error, retriable },
    );
  }
  // Not from Kafka (a bug, most likely): a 500 that keeps the error for the log.
  return new ProxyError(ErrorCode.INTERNAL, "Internal Server Error", { cause: error, retriable: false });
}

/** A per-record produce failure, classified for the REST layer (40101 / 40301 / 413 / 5000x). */
export function toRecordError(error: unknown, context: ErrorContext = {}): RecordError {
  const mapped = toProxyError(error, context);
  let kind: RecordError["kind"] = "kafka";
  if (mapped.code === ErrorCode.KAFKA_AUTHENTICATION) kind = "authentication";
  else if (mapped.code === ErrorCode.KAFKA_AUTHORIZATION) kind = "authorization";
  else if (mapped.code === ErrorCode.PAYLOAD_TOO_LARGE) kind = "too-large";
  const message =
    mapped.code === ErrorCode.INTERNAL && error instanceof Error ? error.message : mapped.message;
  return { kind, retriable: mapped.retriable, message };
}

/** Whether repeating the request may succeed (kafkajs's own `retriable`, plus unreachable brokers). */
export function isRetriable(error: unknown): boolean {
  if (error instanceof ProxyError) return error.retriable;
  const e = error as KafkaLikeError;
  if (!(e instanceof Error)) return false;
  if (UNREACHABLE.has(e.name)) return true;
  if (e.name === "KafkaJSNumberOfRetriesExceeded") return isRetriable(e.cause);
  return e.retriable === true;
}

/**
 * A partition answered with a routing error (not the leader, unknown to this broker...) although
 * the metadata said it exists: retriable after refreshing the metadata.
 */
export function routingError(code: number, context: ErrorContext): ProxyError {
  return new ProxyError(
    ErrorCode.KAFKA_RETRIABLE_ERROR,
    `${errorType(code)}: ${protocolError(code).message}${describe(context)}`,
    { retriable: true, cause: protocolError(code) },
  );
}

/** Whether a broker error code is retriable, per kafkajs's copy of Kafka's error table. */
export function isRetriableCode(code: number): boolean {
  return protocolError(code).retriable;
}

/** Codes after which cached leaders or coordinators are stale. */
export function isStaleRouting(code: number): boolean {
  const type = errorType(code);
  return (
    type === "NOT_LEADER_FOR_PARTITION" ||
    type === "LEADER_NOT_AVAILABLE" ||
    type === "UNKNOWN_TOPIC_OR_PARTITION" ||
    type === "FENCED_LEADER_EPOCH" ||
    type === "UNKNOWN_LEADER_EPOCH" ||
    type === "NOT_COORDINATOR_FOR_GROUP" ||
    type === "GROUP_COORDINATOR_NOT_AVAILABLE" ||
    type === "KAFKA_STORAGE_ERROR" ||
    type === "REPLICA_NOT_AVAILABLE"
  );
}
