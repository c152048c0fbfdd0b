import { Hono } from "hono";
import type { UpstashConfig } from "../../config/index.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import type { AppEnv } from "../../types.ts";
import { upstashAuth } from "./auth.ts";
import { registerUpstashConsumers } from "./consume.ts";
import { handleUpstashError } from "./errors.ts";
import { registerUpstashReads } from "./fetch.ts";
import { registerUpstashProduce } from "./produce.ts";
import { registerUpstashWebhook } from "./webhook.ts";

/**
 * The Upstash Kafka REST dialect as its own sub-app, mounted at UPSTASH_PATH_PREFIX (its GET
 * /topics would collide with Confluent's at the root). Errors, 404s included, answer in the
 * Upstash envelope `{"error","status"}`.
 *
 * @example
 * app.route(config.upstash.pathPrefix, createUpstashRoutes(config.upstash));
 */
export function createUpstashRoutes(config: UpstashConfig): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(upstashAuth(config.auth));
  registerUpstashProduce(app);
  registerUpstashReads(app);
  registerUpstashConsumers(app);
  registerUpstashWebhook(app);
  app.all("*", (c) => {
    throw new ProxyError(
      ErrorCode.NOT_FOUND,
      `Not found: ${c.req.method} ${c.req.path} is not part of the Upstash Kafka REST API.`,
    );
  });
  app.onError(handleUpstashError);
  return app;
}
