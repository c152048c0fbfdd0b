import type { Context } from "hono";
import type { z } from "zod";
import {
  assign,
  assignment,
  commit,
  committed,
  createConsumer,
  deleteConsumer,
  seek,
  subscribe,
  subscribedTopics,
  unsubscribe,
} from "../../core/consumers/lifecycle.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { authorize, authorizeAllTopics } from "../../middleware/auth.ts";
import { accepts, JSON_TYPE, KAFKA_RESPONSE_TYPES, parseKafkaMediaType } from "../../middleware/negotiate.ts";
import type { AppEnv } from "../../types.ts";
import { type Router, readJson, send, validate } from "../http.ts";
import {
  commitBody,
  createConsumerBody,
  partitionsBody,
  positionsBody,
  subscriptionBody,
} from "./consumer-bodies.ts";

export const INSTANCE_PATH = "/consumers/:group/instances/:instance";

/**
 * A consumer request's body, validated; undefined when there is none. A body must come with a
 * Kafka media type (any embedded format, v1 or v2) or application/json, else 415.
 */
export async function consumerBody<T extends z.ZodType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<z.output<T> | undefined> {
  const body = await readJson(c);
  if (body === undefined) return undefined;
  const type = c.req.header("content-type");
  const essence = type?.split(";")[0].trim().toLowerCase();
  if (!type || (essence !== JSON_TYPE && !parseKafkaMediaType(type))) {
    throw new ProxyError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `HTTP 415 Unsupported Media Type: Content-Type ${type ? `'${type}'` : "is missing; it"} must be application/vnd.kafka.v2+json.`,
    );
  }
  return validate(schema, body);
}

async function requiredBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.output<T>> {
  const body = await consumerBody(c, schema);
  if (body === undefined) throw new ProxyError(ErrorCode.UNPROCESSABLE, "Request body is required.");
  return body;
}

export function instanceOf(c: Context<AppEnv>): { group: string; name: string } {
  return { group: c.req.param("group") ?? "", name: c.req.param("instance") ?? "" };
}

/** The URL every later call on the instance goes to: PUBLIC_URL, else this request's origin. */
function baseUri(c: Context<AppEnv>, group: string, name: string): string {
  const origin = c.var.deps.config.publicUrl ?? new URL(c.req.url).origin;
  return `${origin}/consumers/${encodeURIComponent(group)}/instances/${encodeURIComponent(name)}`;
}

/** Instances, subscription, assignments and positions of the v2 consumer API. */
export function registerConsumerRoutes(router: Router): void {
  const negotiated = accepts(KAFKA_RESPONSE_TYPES);
  const noContent = (c: Context<AppEnv>) => c.body(null, 204);

  router.post("/consumers/:group", negotiated, async (c) => {
    const body = (await consumerBody(c, createConsumerBody)) ?? {};
    const group = c.req.param("group") ?? "";
    const instance = await createConsumer(c.var.consumers, group, {
      ...body,
      "fetch.min.bytes": body["fetch.min.bytes"] ?? body.responseMinBytes,
      "consumer.request.timeout.ms": body["consumer.request.timeout.ms"] ?? body.requestWaitMs,
    });
    return send(c, { instance_id: instance.name, base_uri: baseUri(c, group, instance.name) });
  });

  router.delete(INSTANCE_PATH, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    await deleteConsumer(c.var.consumers, group, name);
    return noContent(c);
  });

  router.post(`${INSTANCE_PATH}/subscription`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    const body = await requiredBody(c, subscriptionBody);
    if (body.topics) authorize(c, "consume", body.topics);
    else authorizeAllTopics(c, "consume");
    await subscribe(
      c.var.consumers,
      group,
      name,
      body.topics ? { topics: body.topics } : { pattern: body.topic_pattern ?? "" },
    );
    return noContent(c);
  });

  router.get(`${INSTANCE_PATH}/subscription`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    return send(c, { topics: await subscribedTopics(c.var.consumers, group, name) });
  });

  router.delete(`${INSTANCE_PATH}/subscription`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    await unsubscribe(c.var.consumers, group, name);
    return noContent(c);
  });

  router.post(`${INSTANCE_PATH}/assignments`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    const body = await requiredBody(c, partitionsBody);
    authorize(c, "consume", new Set(body.partitions.map((p) => p.topic)));
    await assign(c.var.consumers, group, name, body.partitions);
    return noContent(c);
  });

  router.get(`${INSTANCE_PATH}/assignments`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    return send(c, { partitions: await assignment(c.var.consumers, group, name) });
  });

  router.post(`${INSTANCE_PATH}/positions`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    const body = await requiredBody(c, positionsBody);
    await seek(c.var.consumers, group, name, {
      kind: "offsets",
      offsets: body.offsets ?? [],
      timestamps: (body.timestamps ?? []).map((t) => ({ ...t, timestamp: Date.parse(t.timestamp) })),
    });
    return noContent(c);
  });

  for (const kind of ["beginning", "end"] as const) {
    router.post(`${INSTANCE_PATH}/positions/${kind}`, negotiated, async (c) => {
      const { group, name } = instanceOf(c);
      const body = await requiredBody(c, partitionsBody);
      await seek(c.var.consumers, group, name, { kind, partitions: body.partitions });
      return noContent(c);
    });
  }

  router.post(`${INSTANCE_PATH}/offsets`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    const body = await consumerBody(c, commitBody);
    authorize(c, "consume", body?.offsets.map((o) => o.topic) ?? []);
    await commit(c.var.consumers, group, name, body?.offsets);
    return send(c, []);
  });

  router.get(`${INSTANCE_PATH}/offsets`, negotiated, async (c) => {
    const { group, name } = instanceOf(c);
    const body = await consumerBody(c, partitionsBody);
    authorize(c, "consume", body?.partitions.map((p) => p.topic) ?? []);
    const offsets = await committed(c.var.consumers, group, name, body?.partitions);
    return send(c, {
      offsets: offsets.map(({ topic, partition, offset, metadata }) => ({
        topic,
        partition,
        offset,
        metadata,
      })),
    });
  });
}
