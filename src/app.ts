import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { accessLog } from "./middleware/access-log.ts";
import { limitBody } from "./middleware/body-limit.ts";
import { handleError, handleNotFound } from "./middleware/error-handler.ts";
import { registerV1ConsumerRoutes } from "./routes/confluent-v1/consumers.ts";
import { registerMessagesRoute } from "./routes/confluent-v1/messages.ts";
import { registerRecordsRoute } from "./routes/confluent-v2/consumer-records.ts";
import { registerConsumerRoutes } from "./routes/confluent-v2/consumers.ts";
import { registerMetadataRoutes } from "./routes/confluent-v2/metadata.ts";
import { registerProduceRoutes } from "./routes/confluent-v2/produce.ts";
import { registerV3TopicRoutes } from "./routes/confluent-v3/topics.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { createRouter } from "./routes/http.ts";
import type { AppEnv, Deps } from "./types.ts";

/**
 * The whole proxy as a Hono app. Every dependency arrives here from an entry in functions/;
 * nothing below reads the environment or holds module-level state.
 */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const consumers = {
    backend: deps.backend,
    store: deps.state,
    options: deps.config.consumer,
    now: Date.now,
  };
  app.use(async function injectDeps(c, next) {
    c.set("deps", deps);
    c.set("consumers", consumers);
    await next();
  });
  app.use(requestId());
  app.use(accessLog());
  app.use(limitBody(deps.config.maxRequestBytes));

  const router = createRouter(app);
  registerHealthRoutes(router);
  registerMetadataRoutes(router);
  registerProduceRoutes(router);
  registerMessagesRoute(router);
  registerConsumerRoutes(router);
  registerRecordsRoute(router);
  registerV1ConsumerRoutes(router);
  registerV3TopicRoutes(router);
  router.close();

  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
