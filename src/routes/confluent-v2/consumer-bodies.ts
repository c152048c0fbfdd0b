import { z } from "zod";

/** Request bodies of the v2 consumer API, strict like Confluent's Jackson binding. */

const topicPartition = z.strictObject({
  topic: z.string().min(1, "must not be empty"),
  partition: z.number().int().min(0, "must be a non-negative partition number"),
});

const numberOrString = z.union([z.number(), z.string()]);

export const createConsumerBody = z.strictObject({
  name: z.string().optional(),
  id: z.string().optional(),
  format: z.string().optional(),
  "auto.offset.reset": z.string().optional(),
  "auto.commit.enable": z.union([z.string(), z.boolean()]).optional(),
  "fetch.min.bytes": numberOrString.optional(),
  responseMinBytes: numberOrString.optional(),
  "consumer.request.timeout.ms": numberOrString.optional(),
  requestWaitMs: numberOrString.optional(),
});

export const subscriptionBody = z
  .strictObject({
    topics: z.array(z.string().min(1, "must not be empty")).min(1, "must not be empty").optional(),
    topic_pattern: z.string().min(1, "must not be empty").optional(),
  })
  .refine((b) => (b.topics === undefined) !== (b.topic_pattern === undefined), {
    message: "Exactly one of topics or topic_pattern must be given.",
  });

export const partitionsBody = z.strictObject({ partitions: z.array(topicPartition) });

const metadata = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? undefined);

export const positionsBody = z.strictObject({
  offsets: z
    .array(topicPartition.extend({ offset: z.number().int().min(0, "must not be negative"), metadata }))
    .optional(),
  timestamps: z
    .array(
      topicPartition.extend({
        timestamp: z.iso.datetime({ offset: true, message: "must be ISO-8601" }),
        metadata,
      }),
    )
    .optional(),
});

export const commitBody = z.strictObject({
  offsets: z.array(
    topicPartition.extend({ offset: z.number().int().min(0, "must not be negative"), metadata }),
  ),
});
