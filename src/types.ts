import type { RequestIdVariables } from "hono/request-id";
import type { KafkaBackend } from "./backends/types.ts";
import type { Config } from "./config/index.ts";
import type { Logger } from "./logger.ts";

/** Everything the app needs from the outside, built by an entry and handed to createApp. */
export interface Deps {
  backend: KafkaBackend;
  config: Config;
  logger: Logger;
}

export type AppEnv = {
  Variables: RequestIdVariables & {
    deps: Deps;
    /** The response media type chosen from the request's Accept header. */
    responseType: string;
  };
};
