/**
 * @module The baseline of bench/lambda-cold-start.ts: Hono's Lambda adapter and one route that
 * drains the body and answers a fixed one-record produce response, bundled like the proxy.
 */
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";

const RESPONSE = JSON.stringify({
  offsets: [{ partition: 0, offset: 0, error_code: null, error: null }],
  key_schema_id: null,
  value_schema_id: null,
});

const app = new Hono();
app.post("/topics/:topic", async (c) => {
  await c.req.arrayBuffer();
  return c.body(RESPONSE, 200, { "Content-Type": "application/vnd.kafka.v2+json" });
});

export const http = handle(app);
