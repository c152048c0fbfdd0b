/**
 * One table of Confluent REST error codes. Every failure the proxy reports is a ProxyError with one
 * of these codes; the HTTP status is derived from the code (Confluent's convention: status × 100 +
 * suffix), except where Confluent itself breaks that convention (40001 → 422).
 */
export const ErrorCode = {
  BAD_REQUEST: 400,
  INVALID_CONSUMER_CONFIG_CONSTRAINT: 40001,
  KAFKA_BAD_REQUEST: 40002,
  UNAUTHORIZED: 401,
  KAFKA_AUTHENTICATION: 40101,
  FORBIDDEN: 403,
  KAFKA_AUTHORIZATION: 40301,
  NOT_FOUND: 404,
  TOPIC_NOT_FOUND: 40401,
  PARTITION_NOT_FOUND: 40402,
  CONSUMER_INSTANCE_NOT_FOUND: 40403,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONSUMER_FORMAT_MISMATCH: 40601,
  DESERIALIZATION: 40801,
  CONSUMER_ALREADY_SUBSCRIBED: 40901,
  CONSUMER_ALREADY_EXISTS: 40902,
  ILLEGAL_STATE: 40903,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  INVALID_CONSUMER_CONFIG: 42204,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  KAFKA_ERROR: 50002,
  KAFKA_RETRIABLE_ERROR: 50003,
  BROKER_NOT_AVAILABLE: 50302,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS_EXCEPTIONS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.INVALID_CONSUMER_CONFIG_CONSTRAINT]: 422,
  [ErrorCode.BROKER_NOT_AVAILABLE]: 503,
};

/** The HTTP status Confluent answers with for an error code. */
export function statusOf(code: ErrorCode): number {
  const exception = STATUS_EXCEPTIONS[code];
  if (exception !== undefined) return exception;
  return code < 1000 ? code : Math.floor(code / 100);
}

export interface ProxyErrorOptions {
  cause?: unknown;
  /** Whether repeating the same request may succeed. Defaults to true for 5xx codes. */
  retriable?: boolean;
}

/** The base of every error the proxy reports; carries the Confluent code, status and retriability. */
export class ProxyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: ProxyErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "ProxyError";
    this.code = code;
    this.status = statusOf(code);
    this.retriable = options.retriable ?? this.status >= 500;
  }
}

export function topicNotFound(topic: string): ProxyError {
  return new ProxyError(ErrorCode.TOPIC_NOT_FOUND, `Topic '${topic}' not found.`);
}

export function partitionNotFound(topic: string, partition: number): ProxyError {
  return new ProxyError(
    ErrorCode.PARTITION_NOT_FOUND,
    `Partition ${partition} of topic '${topic}' not found.`,
  );
}

/** A backend failure that is not the caller's fault, classified for retry like Kafka does. */
export function kafkaError(message: string, retriable: boolean, cause?: unknown): ProxyError {
  return new ProxyError(retriable ? ErrorCode.KAFKA_RETRIABLE_ERROR : ErrorCode.KAFKA_ERROR, message, {
    cause,
    retriable,
  });
}
