/**
 * @module HTTP events on Lambda: Hono's adapter with one addition. Confluent clients send a body
 * with `GET .../offsets`; a Fetch-API Request cannot carry one (Hono's adapter would answer 400
 * "Invalid request"), so the body is taken off the event and handed to the app through
 * RuntimeBindings.getRequestBody, as the Node entry does with the socket.
 */
import type { Hono } from "hono";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { ErrorCode, ProxyError } from "../src/errors.ts";
import type { AppEnv, RuntimeBindings } from "../src/types.ts";

function methodOf(event: LambdaEvent): string {
  if ("httpMethod" in event) return event.httpMethod;
  if ("method" in event) return event.method;
  return event.requestContext.http.method;
}

/**
 * Hono's adapter answers any event, a Kafka batch included, with an HTTP response (404): the event
 * source mapping would take that as success and move past records nobody stored.
 */
function assertHttpEvent(event: unknown): asserts event is LambdaEvent {
  if (typeof event === "object" && event !== null && "requestContext" in event) return;
  const { eventSource, source } = (event ?? {}) as { eventSource?: unknown; source?: unknown };
  throw new Error(
    `The http handler got an event that is not an HTTP request (source: ${String(eventSource ?? source ?? "unknown")}); ` +
      "point this event source at the handler for it in serverless.yml.",
  );
}

/**
 * The handler for API Gateway HTTP API (payload 2.0), Function URL, REST API (v1) and ALB events.
 * `maxRequestBytes` bounds a GET body as MAX_REQUEST_BYTES bounds every other body. Any other
 * event fails the invocation, so that Lambda retries it rather than counting it as handled.
 */
export function createHttpHandler(app: Hono<AppEnv>, maxRequestBytes: number) {
  const forward = handle(app);
  return async function http(event: unknown, context?: LambdaContext) {
    assertHttpEvent(event);
    if (methodOf(event) !== "GET" || !event.body) return forward(event, context);
    const bytes = Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
    const getRequestBody = async () => {
      if (bytes.length > maxRequestBytes) {
        throw new ProxyError(ErrorCode.PAYLOAD_TOO_LARGE, "Request body is too large.");
      }
      return bytes.toString("utf8");
    };
    // handle() only ever calls app.fetch: this one adds the body to the bindings it passes.
    const withBody = {
      fetch: (request: Request, env: object) =>
        app.fetch(request, { ...env, getRequestBody } satisfies RuntimeBindings),
    } as unknown as Hono<AppEnv>;
    return handle(withBody)({ ...event, body: null, isBase64Encoded: false }, context);
  };
}
