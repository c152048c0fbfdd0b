import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { ErrorCode, ProxyError } from "./errors.ts";
import { accessLog } from "./middleware/access-log.ts";
import { errorResponse, handleError, handleNotFound } from "./middleware/error-handler.ts";
import { registerMessagesRoute } from "./routes/confluent-v1/messages.ts";
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
  const { maxRequestBytes } = deps.config;

  app.use(async function injectDeps(c, next) {
    c.set("deps", deps);
    await next();
  });
  app.use(requestId());
  app.use(accessLog());
  app.use(
    bodyLimit({
      maxSize: maxRequestBytes,
      onError: (c) =>
        errorResponse(
          c,
          new ProxyError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            `Request body is larger than MAX_REQUEST_BYTES (${maxRequestBytes} bytes).`,
          ),
        ),
    }),
  );

  const router = createRouter(app);
  registerHealthRoutes(router);
  registerMetadataRoutes(router);
  registerProduceRoutes(router);
  registerMessagesRoute(router);
  registerV3TopicRoutes(router);
  router.close();

  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
