import { z } from "zod";
import { JSON_TYPE, KAFKA_V2_JSON } from "../middleware/negotiate.ts";
import {
  commitBody,
  createConsumerBody,
  partitionsBody,
  positionsBody,
  subscriptionBody,
} from "../routes/confluent-v2/consumer-bodies.ts";
import { each, NO_CONTENT, type Operation, ok } from "./operations.ts";
import * as r from "./responses.ts";

const CONSUMER_BODY_TYPES = [KAFKA_V2_JSON, JSON_TYPE];
const INSTANCE = "/consumers/{group}/instances/{instance}";

const consumerBody = (schema: z.ZodType, required = true) => ({
  required,
  content: each(CONSUMER_BODY_TYPES, schema),
});

const RECORD_BINARY_TYPES = ["application/vnd.kafka.binary.v2+json", "application/vnd.kafka.binary.v1+json"];
const RECORD_JSON_TYPES = ["application/vnd.kafka.json.v2+json", "application/vnd.kafka.json.v1+json"];

const records = {
  description: "Records in the instance's format ([] when none arrived before the timeout).",
  content: {
    ...each(RECORD_BINARY_TYPES, r.binaryRecordsResponse),
    ...each(RECORD_JSON_TYPES, r.jsonRecordsResponse),
  },
};

const readQuery = z.object({
  timeout: z
    .string()
    .regex(/^\d+$/)
    .optional()
    .describe("Longest wait in ms; can only shorten the instance's."),
  max_bytes: z.string().regex(/^\d+$/).optional().describe("Most key and value bytes to return."),
});

/** Consumer instances of the v2 API, and the v1 topic read that shares them. */
export const CONSUMER_OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/consumers/{group}",
    tag: "Consumers",
    summary: "Create a consumer instance",
    body: consumerBody(createConsumerBody, false),
    responses: { 200: ok("Where the instance lives.", r.createConsumerResponse) },
  },
  {
    method: "delete",
    path: INSTANCE,
    tag: "Consumers",
    summary: "Delete a consumer instance",
    responses: { 204: NO_CONTENT },
  },
  {
    method: "post",
    path: `${INSTANCE}/subscription`,
    tag: "Consumers",
    summary: "Subscribe to topics or a pattern",
    body: consumerBody(subscriptionBody),
    responses: { 204: NO_CONTENT },
  },
  {
    method: "get",
    path: `${INSTANCE}/subscription`,
    tag: "Consumers",
    summary: "The subscribed topics",
    responses: { 200: ok("Topics.", r.subscriptionResponse) },
  },
  {
    method: "delete",
    path: `${INSTANCE}/subscription`,
    tag: "Consumers",
    summary: "Unsubscribe",
    responses: { 204: NO_CONTENT },
  },
  {
    method: "post",
    path: `${INSTANCE}/assignments`,
    tag: "Consumers",
    summary: "Assign partitions manually",
    body: consumerBody(partitionsBody),
    responses: { 204: NO_CONTENT },
  },
  {
    method: "get",
    path: `${INSTANCE}/assignments`,
    tag: "Consumers",
    summary: "The assigned partitions",
    responses: { 200: ok("Partitions.", r.assignmentsResponse) },
  },
  {
    method: "post",
    path: `${INSTANCE}/positions`,
    tag: "Consumers",
    summary: "Seek to offsets or timestamps",
    body: consumerBody(positionsBody),
    responses: { 204: NO_CONTENT },
  },
  {
    method: "post",
    path: `${INSTANCE}/positions/beginning`,
    tag: "Consumers",
    summary: "Seek to the beginning",
    body: consumerBody(partitionsBody),
    responses: { 204: NO_CONTENT },
  },
  {
    method: "post",
    path: `${INSTANCE}/positions/end`,
    tag: "Consumers",
    summary: "Seek to the end",
    body: consumerBody(partitionsBody),
    responses: { 204: NO_CONTENT },
  },
  {
    method: "get",
    path: `${INSTANCE}/records`,
    tag: "Consumers",
    summary: "Read records",
    query: readQuery,
    responses: { 200: records },
  },
  {
    method: "post",
    path: `${INSTANCE}/offsets`,
    tag: "Consumers",
    summary: "Commit offsets (no body: everything read so far)",
    body: consumerBody(commitBody, false),
    responses: { 200: ok("[]", r.emptyArray) },
  },
  {
    method: "get",
    path: `${INSTANCE}/offsets`,
    tag: "Consumers",
    summary: "Committed offsets",
    description: "Of the partitions in the body, or of the whole assignment without a body.",
    body: consumerBody(partitionsBody, false),
    responses: { 200: ok("Committed offsets.", r.committedOffsetsResponse) },
  },
  {
    method: "get",
    path: `${INSTANCE}/topics/{topic}`,
    tag: "Consume (v1)",
    summary: "v1 topic read (subscribes on first use)",
    query: readQuery,
    responses: { 200: records },
  },
];
