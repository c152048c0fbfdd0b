import type { Hono } from "hono";
import { produceMessages } from "../../core/upstash/produce.ts";
import { authorize } from "../../middleware/auth.ts";
import type { AppEnv } from "../../types.ts";
import { badRequest } from "./errors.ts";

/** Request headers that describe the HTTP exchange, not the event: they never become Kafka headers. */
const STANDARD_HEADERS = new Set([
  "accept",
  "accept-charset",
  "accept-encoding",
  "accept-language",
  "authorization",
  "cache-control",
  "cdn-loop",
  "connection",
  "content-encoding",
  "content-length",
  "content-type",
  "cookie",
  "dnt",
  "expect",
  "forwarded",
  "host",
  "keep-alive",
  "origin",
  "pragma",
  "priority",
  "proxy-authorization",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "via",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-proto",
  "x-real-ip",
  "x-request-id",
]);
const STANDARD_PREFIXES = ["sec-", "cf-", "if-", "x-amz", "x-amzn-"];

function isStandard(name: string): boolean {
  return STANDARD_HEADERS.has(name) || STANDARD_PREFIXES.some((p) => name.startsWith(p));
}

/** /webhook?topic=: the raw body becomes the value and the non-standard headers the Kafka headers. */
export function registerUpstashWebhook(app: Hono<AppEnv>): void {
  app.on(["GET", "POST"], "/webhook", async (c) => {
    const topic = c.req.query("topic");
    if (!topic) throw badRequest("Query parameter topic is required: /webhook?topic=...");
    authorize(c, "produce", [topic]);
    const getBody = c.req.method === "GET" ? c.env?.getRequestBody : undefined;
    const value = getBody ? await getBody() : await c.req.text();
    const headers = [...c.req.raw.headers]
      .filter(([name]) => !isStandard(name.toLowerCase()))
      .map(([key, headerValue]) => ({ key, value: headerValue }));
    const [metadata] = await produceMessages(c.var.deps.backend, [{ topic, value, headers }]);
    return c.json(metadata);
  });
}
