import type { KafkaBackend } from "../../backends/types.ts";
import type { StateStore } from "../../state/types.ts";

export interface ConsumerOptions {
  /** Idle time after which an instance is gone (Confluent's consumer.instance.timeout.ms). */
  instanceTimeoutMs: number;
  /** The longest a read waits when the instance sets no consumer.request.timeout.ms. */
  requestTimeoutMs: number;
  /** Upper bound on the key and value bytes one read returns. */
  maxBytes: number;
  /** How old a member's view of its group may get before a read checks for expired members. */
  assignmentRefreshMs: number;
}

/** What the consumer use cases need: the Kafka port, the state port, a clock and the limits. */
export interface ConsumerContext {
  backend: KafkaBackend;
  store: StateStore;
  options: ConsumerOptions;
  now(): number;
  /**
   * Who is asking, when authentication is on: instances remember who created them and answer
   * no one else (40403, so their existence is not revealed).
   */
  principal?: string;
}
