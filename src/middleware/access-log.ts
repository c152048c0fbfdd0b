import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types.ts";

/** One structured line per request, with the request id the client can quote back to us. */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    const started = performance.now();
    await next();
    c.var.deps.logger.info("request", {
      request_id: c.var.requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      principal: c.var.principal?.name,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
