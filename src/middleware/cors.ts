import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { CorsConfig } from "../config/index.ts";
import type { AppEnv } from "../types.ts";

/** What the v2 API needs a browser to send: Kafka media types, bearer tokens, request ids. */
export const CORS_ALLOW_HEADERS = ["Content-Type", "Accept", "Authorization", "X-Request-Id"];
/** What a page may read from a response besides the CORS-safelisted headers. */
export const CORS_EXPOSE_HEADERS = ["X-Request-Id", "Retry-After", "WWW-Authenticate", "Allow"];
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"];
/** Browsers cap this (Chromium at 2 h); 10 minutes keeps a changed allow-list from lingering. */
const MAX_AGE_SECONDS = 600;

/**
 * CORS for the origins in CORS_ORIGINS, on every route. Preflights are answered here, before
 * authentication (browsers never send credentials on them), so a GET that carries a Kafka
 * Content-Type, which makes the browser preflight it, works (confluentinc/kafka-rest#308).
 * Other requests get their CORS headers on every answer, errors included, so a page can read a
 * 401 or 429. An origin not on the list gets no CORS headers, and the browser blocks the answer.
 */
export function allowOrigins(config: CorsConfig): MiddlewareHandler<AppEnv> {
  const any = config.origins.includes("*");
  const allowed = new Set(config.origins);
  return cors({
    origin: any ? "*" : (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: METHODS,
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    credentials: config.credentials,
    maxAge: MAX_AGE_SECONDS,
  }) as MiddlewareHandler<AppEnv>;
}
