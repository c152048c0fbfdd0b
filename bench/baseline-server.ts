/**
 * @module The benchmark baseline: a bare Hono app on @hono/node-server that answers
 * `POST /topics/:topic` with a fixed produce response and does no other work. It reads the request
 * body to the end as bytes (the proxy has to receive every byte too), but does not decode, parse or
 * validate it. bench/produce.ts starts it next to the proxy and reports the proxy as a ratio of it.
 *
 * PORT (0 = ephemeral, the default) and HOST (default 127.0.0.1) come from the environment; one JSON
 * line `{"msg":"listening","port":N,...}` on stdout says it is ready, as functions/node.ts logs it.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const RESPONSE = JSON.stringify({
  offsets: [{ partition: 0, offset: 0, error_code: null, error: null }],
  key_schema_id: null,
  value_schema_id: null,
});

const port = Number(process.env.PORT ?? "0");
const host = process.env.HOST ?? "127.0.0.1";
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535 (got ${JSON.stringify(process.env.PORT)})`);
  process.exit(1);
}

const app = new Hono();
app.post("/topics/:topic", async (c) => {
  await c.req.arrayBuffer();
  return c.body(RESPONSE, 200, { "Content-Type": "application/vnd.kafka.v2+json" });
});

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(
    JSON.stringify({
      msg: "listening",
      url: `http://${host}:${info.port}`,
      port: info.port,
      backend: "none",
    }),
  );
});

server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});

function shutdown(): void {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
