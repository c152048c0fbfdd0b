import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { errorResponse } from "./error-handler.ts";
import { isUpstashPath, upstashRefusal } from "./upstash-envelope.ts";

/**
 * 413 for a body over `maxBytes`, in the envelope of the dialect the path belongs to. A declared Content-Length is judged from
 * the header alone: Hono's bodyLimit reads `request.body` even then, which turns the Node
 * adapter's direct body read into a slower web stream on every request. Bodies without a length
 * (chunked) are counted by Hono's bodyLimit as they stream.
 */
export function limitBody(maxBytes: number, upstashPrefix: string): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => {
    const error = new ProxyError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `Request body is larger than MAX_REQUEST_BYTES (${maxBytes} bytes).`,
    );
    return isUpstashPath(c.req.path, upstashPrefix) ? upstashRefusal(c, error) : errorResponse(c, error);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async function limitBody(c, next) {
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number(length) > maxBytes) return tooLarge(c);
      return next();
    }
    return streamed(c, next);
  };
}
