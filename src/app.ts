import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { accessLog } from "./middleware/access-log.ts";
import { authenticate } from "./middleware/auth.ts";
import { limitBody } from "./middleware/body-limit.ts";
import { allowOrigins } from "./middleware/cors.ts";
import { handleError, handleNotFound } from "./middleware/error-handler.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { registerV1ConsumerRoutes } from "./routes/confluent-v1/consumers.ts";
import { registerMessagesRoute } from "./routes/confluent-v1/messages.ts";
import { registerRecordsRoute } from "./routes/confluent-v2/consumer-records.ts";
import { registerConsumerRoutes } from "./routes/confluent-v2/consumers.ts";
import { registerMetadataRoutes } from "./routes/confluent-v2/metadata.ts";
import { registerProduceRoutes } from "./routes/confluent-v2/produce.ts";
import { registerV3TopicRoutes } from "./routes/confluent-v3/topics.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { createRouter } from "./routes/http.ts";
import { registerOpenApiRoutes } from "./routes/openapi.ts";
import { registerSinkRoutes } from "./routes/sinks.ts";
import { createUpstashRoutes } from "./routes/upstash/index.ts";
import { registerWebhookRoutes } from "./routes/webhooks.ts";
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
  const { auth, cors, rateLimitPerMinute } = deps.config;
  if (cors.origins.length > 0) app.use(allowOrigins(cors));
  if (auth) app.use(authenticate(auth, { upstashPrefix: deps.config.upstash.pathPrefix }));
  if (rateLimitPerMinute > 0) {
    app.use(
      rateLimit({
        store: deps.state,
        perMinute: rateLimitPerMinute,
        authEnabled: auth !== undefined,
        upstashPrefix: deps.config.upstash.pathPrefix,
      }),
    );
  }
  app.use(limitBody(deps.config.maxRequestBytes, deps.config.upstash.pathPrefix));

  const router = createRouter(app);
  registerHealthRoutes(router);
  registerMetadataRoutes(router);
  registerProduceRoutes(router);
  registerMessagesRoute(router);
  registerConsumerRoutes(router);
  registerRecordsRoute(router);
  registerV1ConsumerRoutes(router);
  registerV3TopicRoutes(router);
  registerWebhookRoutes(router);
  registerOpenApiRoutes(router);
  registerSinkRoutes(router);
  router.close();
  app.route(deps.config.upstash.pathPrefix, createUpstashRoutes(deps.config.upstash));

  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
