import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { JSON_TYPE, KAFKA_V2_JSON, negotiate } from "./negotiate.ts";

/** Confluent's rest-utils answers errors as application/json unless the client asks for v2 JSON. */
const ERROR_MEDIA_TYPES = [JSON_TYPE, KAFKA_V2_JSON] as const;

/** The Confluent envelope `{"error_code","message"}` for any ProxyError. */
export function errorResponse(c: Context<AppEnv>, error: ProxyError): Response {
  const type = negotiate(c.req.header("accept"), ERROR_MEDIA_TYPES) ?? JSON_TYPE;
  return c.body(JSON.stringify({ error_code: error.code, message: error.message }), error.status as 400, {
    "Content-Type": type,
  });
}

function toProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  if (error instanceof HTTPException) {
    return new ProxyError(error.status as ErrorCode, error.message || `HTTP ${error.status}`, {
      cause: error,
    });
  }
  return new ProxyError(ErrorCode.INTERNAL, "Internal Server Error", { cause: error });
}

/**
 * An error handler answering in a dialect's envelope: every thrown error becomes a ProxyError,
 * and 5xx are logged with the request id.
 */
export function errorHandler(
  envelope: (c: Context<AppEnv>, error: ProxyError) => Response,
): ErrorHandler<AppEnv> {
  return function handleError(error, c) {
    const proxyError = toProxyError(error);
    if (proxyError.status >= 500) {
      c.var.deps.logger.error("request failed", {
        request_id: c.var.requestId,
        method: c.req.method,
        path: c.req.path,
        error: proxyError.cause ?? proxyError,
      });
    }
    return envelope(c, proxyError);
  };
}

/** The one place thrown errors become Confluent-envelope responses. */
export const handleError = errorHandler(errorResponse);

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, new ProxyError(ErrorCode.NOT_FOUND, "HTTP 404 Not Found"));
