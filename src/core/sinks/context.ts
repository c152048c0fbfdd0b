import type { KafkaBackend } from "../../backends/types.ts";
import type { Sink } from "../../sinks/types.ts";
import type { StateStore } from "../../state/types.ts";
import type { SinkDefinition } from "./definition.ts";

/** What sink runs need: the Kafka port, the state port, the sink port, a clock and the lease length. */
export interface SinkContext {
  backend: KafkaBackend;
  store: StateStore;
  sink: Sink;
  now(): number;
  /** How long a run's lease lasts; longer than a run can take (gathering + one insert). */
  leaseMs: number;
}

/** The part of the app's Deps the sink triggers use (Deps satisfies it). */
export interface SinkDeps {
  backend: KafkaBackend;
  state: StateStore;
  /** The entry's sink adapter; needed once SINKS defines a sink. */
  sink?: Sink;
  config: { sinks: SinkDefinition[]; sinkLeaseMs: number };
}

export function sinkContext(deps: SinkDeps): SinkContext | undefined {
  if (!deps.sink) return undefined;
  return {
    backend: deps.backend,
    store: deps.state,
    sink: deps.sink,
    now: Date.now,
    leaseMs: deps.config.sinkLeaseMs,
  };
}
