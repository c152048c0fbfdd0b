import { Kafka, UpstashError } from "@upstash/kafka";
import { ErrorCode, kafkaError, ProxyError } from "../errors.ts";

/** The part of @upstash/kafka 1.3.5's internal HttpClient this adapter relies on. */
interface HttpClientInternals {
  request(method: string, request: { path: string[]; body?: unknown; retries?: number }): Promise<unknown>;
}

/**
 * A Kafka client whose calls are each tried once. @upstash/kafka retries every failed call five
 * times over 15.5 s, 4xx answers included, and has no option for it: the count is a field of its
 * internal HttpClient's requests that the public methods never set. We set it on that one shared
 * HttpClient (the version is pinned exactly in package.json; a client without it fails here, at
 * start-up, not on a request), and `withRetries` decides what is worth repeating instead.
 */
export function createUpstashClient(options: { url: string; username: string; password: string }): Kafka {
  const kafka = new Kafka(options);
  const http = (kafka as unknown as { client?: HttpClientInternals }).client;
  if (typeof http?.request !== "function") {
    throw new Error(
      "This @upstash/kafka version is not supported: its HTTP client changed shape (1.3.5 expected).",
    );
  }
  const request = http.request.bind(http);
  http.request = (method, call) => request(method, { ...call, retries: 0 });
  return kafka;
}

function notFound(message: string): ProxyError {
  if (/^partition/i.test(message)) return new ProxyError(ErrorCode.PARTITION_NOT_FOUND, message);
  if (/consumer/i.test(message)) return new ProxyError(ErrorCode.CONSUMER_INSTANCE_NOT_FOUND, message);
  return new ProxyError(ErrorCode.TOPIC_NOT_FOUND, message);
}

/**
 * The one mapping of the endpoint's failures to ProxyError codes. The Upstash envelope carries only
 * a message and an HTTP status, so a 404 is told apart by its message (this proxy's own wording).
 */
function fromUpstash(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  if (!(error instanceof UpstashError)) {
    const reason = error instanceof SyntaxError ? "answered something that is not JSON" : "is not reachable";
    return kafkaError(`The Upstash endpoint ${reason}: ${(error as Error)?.message ?? error}`, true, error);
  }
  const message = error.error ?? error.message ?? `HTTP ${error.status}`;
  const options = { cause: error };
  switch (error.status) {
    case 401:
      return new ProxyError(
        ErrorCode.KAFKA_AUTHENTICATION,
        `The Upstash endpoint refused the credentials (UPSTASH_KAFKA_REST_USERNAME/PASSWORD): ${message}`,
        options,
      );
    case 403:
      return new ProxyError(
        ErrorCode.KAFKA_AUTHORIZATION,
        `The Upstash endpoint refused: ${message}`,
        options,
      );
    case 404:
      return notFound(message);
    case 413:
      return new ProxyError(ErrorCode.PAYLOAD_TOO_LARGE, message, options);
    default:
      if (error.status >= 500) return kafkaError(message, true, error);
      return new ProxyError(
        ErrorCode.KAFKA_BAD_REQUEST,
        `The Upstash endpoint refused the request: ${message}`,
        options,
      );
  }
}

export interface RetryPolicy {
  retries: number;
  backoffMs: number;
}

/**
 * Runs a call that is safe to repeat, again after a short backoff while it fails retriably (the
 * endpoint unreachable, a 5xx), at most `retries` more times. Failures come out as ProxyError.
 */
export async function withRetries<T>(policy: RetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const mapped = fromUpstash(error);
      const transient = !(error instanceof UpstashError) || error.status >= 500;
      if (!transient || attempt >= policy.retries) throw mapped;
      await new Promise((resolve) => setTimeout(resolve, policy.backoffMs * 2 ** attempt));
    }
  }
}

/** Runs a call that must not be repeated blindly (produce); failures come out as ProxyError. */
export async function once<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromUpstash(error);
  }
}
