import { z } from "zod";

/**
 * What the routes answer, in zod, for the OpenAPI document. The routes build these bodies
 * directly; test/unit/openapi-responses.test.ts holds real responses against the document.
 */

const int = z.number().int();

export const errorResponse = z
  .strictObject({
    error_code: int.describe("Confluent's code: the HTTP status, or status × 100 + a suffix (40401)."),
    message: z.string(),
  })
  .describe("Confluent's error envelope, used by every error.");

export const emptyObject = z.strictObject({});
export const emptyArray = z.array(z.never()).max(0);

const replica = z.strictObject({ broker: int, leader: z.boolean(), in_sync: z.boolean() });
export const partitionResponse = z.strictObject({ partition: int, leader: int, replicas: z.array(replica) });
export const partitionListResponse = z.array(partitionResponse);
export const topicListResponse = z.array(z.string());
export const topicResponse = z.strictObject({
  name: z.string(),
  configs: z.record(z.string(), z.string()),
  partitions: z.array(partitionResponse),
});
export const partitionOffsetsResponse = z.strictObject({ beginning_offset: int, end_offset: int });
export const brokersResponse = z.strictObject({ brokers: z.array(int) });

export const produceResponse = z.strictObject({
  offsets: z.array(
    z.strictObject({
      partition: int.nullable(),
      offset: int.nullable(),
      error_code: int.nullable().describe("Null when the record was written; 50002 or 50003 when not."),
      error: z.string().nullable(),
    }),
  ),
  key_schema_id: z.null(),
  value_schema_id: z.null(),
});

const base64 = z.string().nullable().describe("Base64 of the bytes; null for a null key or value.");
const anyJson = z.unknown().describe("The bytes parsed as JSON.");

export const binaryMessagesResponse = z.array(
  z.strictObject({ key: base64, value: base64, partition: int, offset: int }),
);
export const jsonMessagesResponse = z.array(
  z.strictObject({ key: anyJson, value: anyJson, partition: int, offset: int }),
);

const recordHeaders = z.array(z.strictObject({ key: z.string(), value: base64 }));
const consumerRecord = (key: z.ZodType, value: z.ZodType) =>
  z.strictObject({
    topic: z.string(),
    key,
    value,
    partition: int,
    offset: int,
    timestamp: int.describe("Create or log-append time, ms since the epoch."),
    headers: recordHeaders,
  });
export const binaryRecordsResponse = z.array(consumerRecord(base64, base64));
export const jsonRecordsResponse = z.array(consumerRecord(anyJson, anyJson));

export const createConsumerResponse = z.strictObject({ instance_id: z.string(), base_uri: z.string() });
export const subscriptionResponse = z.strictObject({ topics: z.array(z.string()) });
export const assignmentsResponse = z.strictObject({
  partitions: z.array(z.strictObject({ topic: z.string(), partition: int })),
});
export const committedOffsetsResponse = z.strictObject({
  offsets: z.array(z.strictObject({ topic: z.string(), partition: int, offset: int, metadata: z.string() })),
});

const related = z.strictObject({ related: z.string() });
const v3Cluster = z.strictObject({
  kind: z.literal("KafkaCluster"),
  metadata: z.strictObject({ self: z.string(), resource_name: z.string() }),
  cluster_id: z.string(),
  controller: related,
  acls: related,
  brokers: related,
  broker_configs: related,
  consumer_groups: related,
  topics: related,
  partition_reassignments: related,
});
export const v3ClusterResponse = v3Cluster;
export const v3ClusterListResponse = z.strictObject({
  kind: z.literal("KafkaClusterList"),
  metadata: z.strictObject({ self: z.string(), next: z.null() }),
  data: z.array(v3Cluster),
});
export const v3TopicResponse = z.strictObject({
  kind: z.literal("KafkaTopic"),
  metadata: z.strictObject({ self: z.string(), resource_name: z.string() }),
  cluster_id: z.string(),
  topic_name: z.string(),
  is_internal: z.boolean(),
  replication_factor: int,
  partitions_count: int,
  partitions: related,
  configs: related,
  partition_reassignments: related,
});
export const v3TopicListResponse = z.strictObject({
  kind: z.literal("KafkaTopicList"),
  metadata: z.strictObject({ self: z.string(), next: z.null() }),
  data: z.array(v3TopicResponse),
});

export const healthResponse = z.strictObject({ status: z.literal("ok") });
export const readyResponse = z.strictObject({ status: z.literal("ready"), backend: z.string() });

export const webhookResponse = z.strictObject({
  topic: z.string(),
  partition: int,
  offset: int,
  duplicate: z
    .boolean()
    .describe(
      "True when this delivery id was already produced within the replay window: nothing was written again; partition and offset are the first delivery's.",
    ),
});

export const openApiResponse = z.record(z.string(), z.unknown()).describe("This document.");
