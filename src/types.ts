import type { RequestIdVariables } from "hono/request-id";
import type { Principal } from "./auth/permissions.ts";
import type { KafkaBackend } from "./backends/types.ts";
import type { Config } from "./config/index.ts";
import type { ConsumerContext } from "./core/consumers/context.ts";
import type { Logger } from "./logger.ts";
import type { Sink } from "./sinks/types.ts";
import type { StateStore } from "./state/types.ts";

/** Everything the app needs from the outside, built by an entry and handed to createApp. */
export interface Deps {
  backend: KafkaBackend;
  state: StateStore;
  config: Config;
  logger: Logger;
  /** Where sinks insert (ClickHouse over HTTP); needed once SINKS defines a sink. */
  sink?: Sink;
}

/**
 * What a runtime entry may pass as the Hono env. Fetch-API requests cannot carry a body on GET,
 * but Confluent's `GET .../offsets` has one: an entry that can see the raw request reads it here.
 */
export interface RuntimeBindings {
  getRequestBody?: () => Promise<string>;
}

export type AppEnv = {
  Bindings: RuntimeBindings;
  Variables: RequestIdVariables & {
    deps: Deps;
    /** The consumer use cases' context, built once from deps. */
    consumers: ConsumerContext;
    /** The response media type chosen from the request's Accept header. */
    responseType: string;
    /** Who sent the request; undefined when authentication is off or the route is public. */
    principal: Principal | undefined;
  };
};
