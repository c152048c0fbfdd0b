import type { Hono } from "hono";
import { MAX_CONSUME_WAIT_MS } from "../../core/upstash/consumers.ts";
import { fetchMessages } from "../../core/upstash/fetch.ts";
import { offsetsAt, topicPartitionCounts } from "../../core/upstash/offsets.ts";
import { authorize, visibleTopics } from "../../middleware/auth.ts";
import type { AppEnv } from "../../types.ts";
import { body, fetchBody, oneOrMany, queryMs, topicPartition } from "./bodies.ts";
import { DEFAULT_TIMEOUT_MS } from "./consume.ts";
import { badRequest } from "./errors.ts";

function timestampParam(raw: string): number | "earliest" | "latest" {
  if (raw === "earliest" || raw === "latest") return raw;
  if (/^\d{1,16}$/.test(raw)) return Number(raw);
  throw badRequest(`The timestamp must be ms since the epoch, earliest or latest (got '${raw}').`);
}

/** Stateless reads: /fetch, /offsets/{timestamp} and GET /topics. */
export function registerUpstashReads(app: Hono<AppEnv>): void {
  app.on(["GET", "POST"], "/fetch", async (c) => {
    const request = (await body(c, fetchBody)) ?? {};
    const positions = [...(request.topicPartitionOffsets ?? [])];
    if (request.topic !== undefined) {
      positions.push({
        topic: request.topic,
        partition: request.partition ?? 0,
        offset: request.offset ?? 0,
      });
    }
    if (positions.length === 0)
      throw badRequest("Name what to fetch: topic, partition and offset, or topicPartitionOffsets.");
    authorize(c, "consume", new Set(positions.map((p) => p.topic)));
    const timeout = request.timeout ?? queryMs(c, "timeout") ?? DEFAULT_TIMEOUT_MS;
    const messages = await fetchMessages(c.var.deps.backend, positions, {
      timeoutMs: Math.min(timeout, MAX_CONSUME_WAIT_MS),
      maxBytes: c.var.deps.config.consumer.maxBytes,
      signal: c.req.raw.signal,
    });
    return c.json(messages);
  });

  app.on(["GET", "POST"], "/offsets/:timestamp", async (c) => {
    const at = timestampParam(c.req.param("timestamp") ?? "");
    const partitions = (await body(c, oneOrMany(topicPartition))) ?? [];
    authorize(c, "consume", new Set(partitions.map((p) => p.topic)));
    return c.json(await offsetsAt(c.var.deps.backend, at, partitions));
  });

  app.get("/topics", async (c) => {
    const counts = await topicPartitionCounts(c.var.deps.backend);
    const visible = new Set(visibleTopics(c, Object.keys(counts)));
    return c.json(Object.fromEntries(Object.entries(counts).filter(([topic]) => visible.has(topic))));
  });
}
