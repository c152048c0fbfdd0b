import type { Context, Hono } from "hono";
import { deleteConsumer } from "../../core/consumers/lifecycle.ts";
import {
  commitAsGiven,
  committedOffsets,
  consume,
  type InstanceHeaders,
  listConsumers,
} from "../../core/upstash/consumers.ts";
import { authorize } from "../../middleware/auth.ts";
import type { AppEnv } from "../../types.ts";
import { body, consumeBody, oneOrMany, queryMs, topicPartition, topicPartitionOffset } from "./bodies.ts";
import { badRequest } from "./errors.ts";

const KAFKA_AUTO_OFFSET_RESET = "Kafka-Auto-Offset-Reset";
const KAFKA_ENABLE_AUTO_COMMIT = "Kafka-Enable-Auto-Commit";
const KAFKA_AUTO_COMMIT_INTERVAL = "Kafka-Auto-Commit-Interval";
const KAFKA_SESSION_TIMEOUT_MS = "Kafka-Session-Timeout-Ms";

/** Upstash's default wait of a consume or fetch. */
export const DEFAULT_TIMEOUT_MS = 1000;

/**
 * The Kafka-* headers that configure a new instance. The interval and session timeout are checked
 * but have no effect: auto-commit happens at the instance's next read (sooner than any interval),
 * and idle instances expire after CONSUMER_INSTANCE_TIMEOUT_MS.
 */
function instanceHeaders(c: Context<AppEnv>): InstanceHeaders {
  for (const name of [KAFKA_AUTO_COMMIT_INTERVAL, KAFKA_SESSION_TIMEOUT_MS]) {
    const value = c.req.header(name);
    if (value !== undefined && !/^\s*\d{1,10}\s*$/.test(value)) {
      throw badRequest(`Header ${name} must be a number of ms (got '${value}').`);
    }
  }
  return {
    autoOffsetReset: c.req.header(KAFKA_AUTO_OFFSET_RESET)?.trim(),
    autoCommit: c.req.header(KAFKA_ENABLE_AUTO_COMMIT)?.trim(),
  };
}

const instanceOf = (c: Context<AppEnv>) => ({
  group: c.req.param("group") ?? "",
  name: c.req.param("instance") ?? "",
});

const SUCCESS = { result: "Success", status: 200 } as const;

async function consumeRoute(c: Context<AppEnv>, pathTopic: string | undefined): Promise<Response> {
  const request = (await body(c, consumeBody)) ?? {};
  const topics = [
    ...(pathTopic ? [pathTopic] : []),
    ...(request.topic ? [request.topic] : []),
    ...(request.topics ?? []),
  ];
  if (topics.length === 0)
    throw badRequest("Name the topics to consume: topic, topics, or /consume/{group}/{instance}/{topic}.");
  authorize(c, "consume", topics);
  const { group, name } = instanceOf(c);
  const messages = await consume(c.var.consumers, group, name, {
    topics: [...new Set(topics)],
    timeoutMs: request.timeout ?? queryMs(c, "timeout") ?? DEFAULT_TIMEOUT_MS,
    headers: instanceHeaders(c),
    signal: c.req.raw.signal,
  });
  return c.json(messages);
}

/** Implicit consumer instances: consume, commit, committed, delete, and the list of them all. */
export function registerUpstashConsumers(app: Hono<AppEnv>): void {
  app.on(["GET", "POST"], "/consume/:group/:instance", (c) => consumeRoute(c, undefined));
  app.on(["GET", "POST"], "/consume/:group/:instance/:topic", (c) => consumeRoute(c, c.req.param("topic")));

  app.on(["GET", "POST"], "/commit/:group/:instance", async (c) => {
    const offsets = (await body(c, oneOrMany(topicPartitionOffset))) ?? [];
    authorize(c, "consume", new Set(offsets.map((o) => o.topic)));
    const { group, name } = instanceOf(c);
    await commitAsGiven(c.var.consumers, group, name, offsets);
    return c.json(SUCCESS);
  });

  app.on(["GET", "POST"], "/committed/:group/:instance", async (c) => {
    const partitions = await body(c, oneOrMany(topicPartition));
    authorize(c, "consume", new Set((partitions ?? []).map((p) => p.topic)));
    const { group, name } = instanceOf(c);
    return c.json(await committedOffsets(c.var.consumers, group, name, partitions));
  });

  app.on(["POST", "DELETE"], "/delete-consumer/:group/:instance", async (c) => {
    const { group, name } = instanceOf(c);
    await deleteConsumer(c.var.consumers, group, name);
    return c.json(SUCCESS);
  });

  app.get("/consumers", async (c) => c.json(await listConsumers(c.var.consumers)));
}
