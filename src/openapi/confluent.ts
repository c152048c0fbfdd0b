import {
  JSON_TYPE,
  KAFKA_JSON,
  KAFKA_V1_BINARY,
  KAFKA_V1_JSON,
  KAFKA_V1_JSON_JSON,
  KAFKA_V2_BINARY,
  KAFKA_V2_JSON,
  KAFKA_V2_JSON_JSON,
} from "../middleware/negotiate.ts";
import { offsetOrTimestamp } from "../routes/confluent-v1/messages.ts";
import { produceRequest } from "../routes/confluent-v2/produce.ts";
import { createTopicRequest } from "../routes/confluent-v3/topics.ts";
import { each, NO_CONTENT, type Operation, ok } from "./operations.ts";
import * as r from "./responses.ts";

const PRODUCE_TYPES = [
  KAFKA_V2_BINARY,
  KAFKA_V2_JSON_JSON,
  KAFKA_V1_BINARY,
  KAFKA_V1_JSON_JSON,
  KAFKA_V1_JSON,
  KAFKA_JSON,
];

const produce = (path: string, summary: string): Operation => ({
  method: "post",
  path,
  tag: "Produce",
  summary,
  description:
    "The Content-Type picks the embedded format: binary types carry base64 keys and values, json types any JSON. Keyed records go to murmur2(key) % partitions, like the Java client.",
  body: { required: true, content: each(PRODUCE_TYPES, produceRequest) },
  responses: {
    200: ok("One entry per record, in order; failed records carry an error_code.", r.produceResponse),
  },
});

const MESSAGE_BINARY_TYPES = [
  KAFKA_V1_BINARY,
  KAFKA_V1_JSON,
  KAFKA_JSON,
  KAFKA_V2_BINARY,
  KAFKA_V2_JSON,
  JSON_TYPE,
];
const MESSAGE_JSON_TYPES = [KAFKA_V1_JSON_JSON, KAFKA_V2_JSON_JSON];

/** The Confluent REST Proxy v2 metadata and produce, the v1 stateless read and the v3 topic admin. */
export const CONFLUENT_OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/",
    tag: "Metadata",
    summary: "Liveness no-op",
    responses: { 200: ok("{}", r.emptyObject) },
  },
  {
    method: "post",
    path: "/",
    tag: "Metadata",
    summary: "Liveness no-op",
    responses: { 200: ok("{}", r.emptyObject) },
  },
  {
    method: "get",
    path: "/topics",
    tag: "Metadata",
    summary: "List topic names",
    responses: { 200: ok("Topic names.", r.topicListResponse) },
  },
  {
    method: "get",
    path: "/topics/{topic}",
    tag: "Metadata",
    summary: "Describe a topic",
    responses: { 200: ok("The topic.", r.topicResponse) },
  },
  {
    method: "get",
    path: "/topics/{topic}/partitions",
    tag: "Metadata",
    summary: "List a topic's partitions",
    responses: { 200: ok("Its partitions.", r.partitionListResponse) },
  },
  {
    method: "get",
    path: "/topics/{topic}/partitions/{partition}",
    tag: "Metadata",
    summary: "Describe a partition",
    responses: { 200: ok("The partition.", r.partitionResponse) },
  },
  {
    method: "get",
    path: "/topics/{topic}/partitions/{partition}/offsets",
    tag: "Metadata",
    summary: "A partition's first and next offsets",
    responses: { 200: ok("Log start and high watermark.", r.partitionOffsetsResponse) },
  },
  {
    method: "get",
    path: "/brokers",
    tag: "Metadata",
    summary: "List broker ids",
    responses: { 200: ok("Broker ids.", r.brokersResponse) },
  },
  produce("/topics/{topic}", "Produce records to a topic"),
  produce("/topics/{topic}/partitions/{partition}", "Produce records to a partition"),
  {
    method: "get",
    path: "/topics/{topic}/partitions/{partition}/messages",
    tag: "Consume (v1)",
    summary: "Read records at an offset or time (stateless)",
    query: offsetOrTimestamp,
    responses: {
      200: {
        description: "Up to count records from the position.",
        content: {
          ...each(MESSAGE_BINARY_TYPES, r.binaryMessagesResponse),
          ...each(MESSAGE_JSON_TYPES, r.jsonMessagesResponse),
        },
      },
    },
  },
  {
    method: "get",
    path: "/v3/clusters",
    tag: "Admin (v3)",
    summary: "List clusters",
    responses: { 200: ok("The cluster.", r.v3ClusterListResponse, [JSON_TYPE]) },
  },
  {
    method: "get",
    path: "/v3/clusters/{cluster_id}",
    tag: "Admin (v3)",
    summary: "Describe the cluster",
    responses: { 200: ok("The cluster.", r.v3ClusterResponse, [JSON_TYPE]) },
  },
  {
    method: "get",
    path: "/v3/clusters/{cluster_id}/topics",
    tag: "Admin (v3)",
    summary: "List topics",
    responses: { 200: ok("Topics.", r.v3TopicListResponse, [JSON_TYPE]) },
  },
  {
    method: "post",
    path: "/v3/clusters/{cluster_id}/topics",
    tag: "Admin (v3)",
    summary: "Create a topic",
    body: { required: true, content: { [JSON_TYPE]: createTopicRequest } },
    responses: {
      200: ok("validate_only: the topic as it would be.", r.v3TopicResponse, [JSON_TYPE]),
      201: ok("Created.", r.v3TopicResponse, [JSON_TYPE]),
    },
  },
  {
    method: "get",
    path: "/v3/clusters/{cluster_id}/topics/{topic}",
    tag: "Admin (v3)",
    summary: "Describe a topic",
    responses: { 200: ok("The topic.", r.v3TopicResponse, [JSON_TYPE]) },
  },
  {
    method: "delete",
    path: "/v3/clusters/{cluster_id}/topics/{topic}",
    tag: "Admin (v3)",
    summary: "Delete a topic",
    responses: { 204: NO_CONTENT },
  },
];
