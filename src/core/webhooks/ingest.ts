import type { KafkaBackend, RecordError, RecordHeader } from "../../backends/types.ts";
import { ErrorCode, kafkaError, ProxyError } from "../../errors.ts";
import type { StateStore } from "../../state/types.ts";
import { createDeliveryMemory, type DeliveredAt } from "./replay.ts";
import { verifySignature } from "./signatures.ts";
import type { Webhook } from "./types.ts";
import { deliveryValues } from "./values.ts";

/** What the webhook use case needs: the Kafka port, the state port and a clock. */
export interface WebhookContext {
  backend: KafkaBackend;
  store: StateStore;
  now(): number;
}

/** One request to a webhook endpoint, as received. */
export interface Delivery {
  header(name: string): string | undefined;
  body: Uint8Array;
}

export interface IngestResult {
  topic: string;
  partition: number;
  offset: number;
  /** True when the delivery id was seen within the window: nothing was produced this time. */
  duplicate: boolean;
}

/** Delivery ids are sender-chosen; a bound keeps state keys small. */
const MAX_DELIVERY_ID_LENGTH = 256;

const encoder = new TextEncoder();

type DeliveryValues = ReturnType<typeof deliveryValues>;

function deliveryIdOf(webhook: Webhook, values: DeliveryValues): string | undefined {
  if (!webhook.replay) return undefined;
  const id = values.read(webhook.replay);
  if (id !== undefined && id.length > MAX_DELIVERY_ID_LENGTH) {
    throw new ProxyError(
      ErrorCode.BAD_REQUEST,
      `The delivery id is longer than ${MAX_DELIVERY_ID_LENGTH} characters.`,
    );
  }
  return id;
}

/** A refused record as the error the sender sees; Kafka credentials problems keep their codes. */
function recordFailure(error: RecordError): ProxyError {
  if (error.kind === "authentication") return new ProxyError(ErrorCode.KAFKA_AUTHENTICATION, error.message);
  if (error.kind === "authorization") return new ProxyError(ErrorCode.KAFKA_AUTHORIZATION, error.message);
  return kafkaError(error.message, error.retriable);
}

async function produceOne(
  ctx: WebhookContext,
  webhook: Webhook,
  delivery: Delivery,
  values: DeliveryValues,
): Promise<DeliveredAt> {
  const key = webhook.key && values.read(webhook.key);
  const headers: RecordHeader[] = webhook.keepHeaders.flatMap((name) => {
    const value = delivery.header(name);
    return value === undefined ? [] : [{ key: name, value: encoder.encode(value) }];
  });
  const [result] = await ctx.backend.produce(webhook.topic, [
    { key: key === undefined ? null : encoder.encode(key), value: delivery.body, headers },
  ]);
  if (!result.ok) throw recordFailure(result.error);
  return { partition: result.partition, offset: result.offset };
}

/**
 * Takes one webhook delivery: checks its signature, drops it when its delivery id was seen within
 * the replay window, otherwise produces the body, byte for byte, as one record. A delivery is
 * only remembered once its record is written, so a failed produce can be retried by the sender.
 */
export async function ingestWebhook(
  ctx: WebhookContext,
  webhook: Webhook,
  delivery: Delivery,
): Promise<IngestResult> {
  if (webhook.signature) {
    await verifySignature(
      webhook.signature,
      delivery.header(webhook.signature.header),
      delivery.body,
      ctx.now(),
    );
  }
  const topic = webhook.topic;
  const values = deliveryValues(delivery.header, delivery.body);
  const deliveryId = deliveryIdOf(webhook, values);
  if (!webhook.replay || deliveryId === undefined) {
    return { topic, ...(await produceOne(ctx, webhook, delivery, values)), duplicate: false };
  }
  const memory = createDeliveryMemory({ store: ctx.store, now: ctx.now });
  const windowMs = webhook.replay.windowSeconds * 1000;
  const claim = await memory.claim(webhook.name, deliveryId, windowMs);
  if (!claim.claimed) return { topic, ...claim.deliveredAt, duplicate: true };
  let at: DeliveredAt;
  try {
    at = await produceOne(ctx, webhook, delivery, values);
  } catch (error) {
    // The produce failure is what the sender must see; an unreleased claim just runs out its lease.
    await memory.release(webhook.name, deliveryId, claim.version).catch(() => undefined);
    throw error;
  }
  await memory.complete(webhook.name, deliveryId, claim.version, at, windowMs);
  return { topic, ...at, duplicate: false };
}
