import { z } from "zod";
import {
  consumeBody,
  fetchBody,
  messageBody,
  topicPartition,
  topicPartitionOffset,
} from "../routes/upstash/bodies.ts";
import type { Operation } from "./operations.ts";

/**
 * The Upstash Kafka REST dialect, mounted at UPSTASH_PATH_PREFIX. Bodies come from the zod schemas
 * its routes parse with; where a route takes "an object or an array of them" (a preprocess the
 * JSON Schema cannot show), the document says so with anyOf over the same element schema.
 */

const int = z.number().int();
const oneOrMany = (schema: z.ZodType) => z.union([schema, z.array(schema)]);

const metadata = z.strictObject({ topic: z.string(), partition: int, offset: int, timestamp: int });
const header = z.strictObject({ key: z.string(), value: z.string() });
const message = z.strictObject({
  topic: z.string(),
  partition: int,
  offset: int,
  timestamp: int,
  key: z.string().describe('"" when the record has no key.'),
  value: z.string(),
  headers: z.array(header),
});
const offsets = z.array(z.strictObject({ topic: z.string(), partition: int, offset: int }));
const success = z.strictObject({ result: z.literal("Success"), status: z.literal(200) });
const consumers = z.array(
  z.strictObject({
    name: z.string(),
    instances: z.array(
      z.strictObject({
        name: z.string(),
        topics: z.array(z.strictObject({ topic: z.string(), partitions: z.array(int) })),
      }),
    ),
  }),
);

export const upstashErrorResponse = z
  .strictObject({ error: z.string(), status: int })
  .describe("The Upstash error envelope, used by every error of this dialect.");

const json = "application/json";
const ok = (description: string, schema: z.ZodType) => ({
  200: { description, content: { [json]: schema } },
});
const body = (schema: z.ZodType, required = false) => ({ required, content: { [json]: schema } });

type UpstashOperation = Omit<Operation, "method" | "tag" | "dialect"> & {
  methods: Array<"get" | "post" | "delete">;
};

const OPERATIONS: UpstashOperation[] = [
  {
    methods: ["get", "post"],
    path: "/produce",
    summary: "Produce messages, each naming its topic",
    body: body(oneOrMany(messageBody), true),
    responses: ok("One metadata per message, in order.", z.array(metadata)),
  },
  {
    methods: ["get", "post"],
    path: "/produce/{topic}",
    summary: "Produce messages to a topic",
    body: body(oneOrMany(messageBody), true),
    responses: ok("One metadata per message, in order.", z.array(metadata)),
  },
  {
    methods: ["get", "post"],
    path: "/produce/{topic}/{message}",
    summary: "Produce the path's message (key from ?key=)",
    query: z.object({ key: z.string().optional() }),
    responses: ok("Where it went.", metadata),
  },
  {
    methods: ["get", "post"],
    path: "/fetch",
    summary: "Read from explicit offsets",
    body: body(fetchBody, true),
    responses: ok("Messages.", z.array(message)),
  },
  {
    methods: ["get", "post"],
    path: "/offsets/{timestamp}",
    summary: "Offsets at a time (ms), or earliest/latest",
    body: body(oneOrMany(topicPartition), true),
    responses: ok("Offsets; -1 where no record is that late.", offsets),
  },
  {
    methods: ["get"],
    path: "/topics",
    summary: "Topics and their partition counts",
    responses: ok("Topic → partitions.", z.record(z.string(), int)),
  },
  {
    methods: ["get", "post"],
    path: "/consume/{group}/{instance}",
    summary: "Consume as a group member",
    body: body(consumeBody),
    responses: ok("Messages.", z.array(message)),
  },
  {
    methods: ["get", "post"],
    path: "/consume/{group}/{instance}/{topic}",
    summary: "Consume a topic as a group member",
    responses: ok("Messages.", z.array(message)),
  },
  {
    methods: ["get", "post"],
    path: "/commit/{group}/{instance}",
    summary: "Commit offsets (none: what was consumed)",
    body: body(oneOrMany(topicPartitionOffset)),
    responses: ok("Committed.", success),
  },
  {
    methods: ["get", "post"],
    path: "/committed/{group}/{instance}",
    summary: "Committed offsets",
    body: body(oneOrMany(topicPartition)),
    responses: ok("Offsets.", offsets),
  },
  {
    methods: ["post", "delete"],
    path: "/delete-consumer/{group}/{instance}",
    summary: "Remove a consumer instance",
    responses: ok("Removed.", success),
  },
  {
    methods: ["get"],
    path: "/consumers",
    summary: "Known groups and their instances",
    responses: ok("Groups.", consumers),
  },
  {
    methods: ["get", "post"],
    path: "/webhook",
    summary: "Produce the raw body to ?topic= (Upstash's unsigned webhook)",
    query: z.object({ topic: z.string() }),
    body: { required: false, content: { "*/*": "bytes" } },
    responses: ok("Where it went.", metadata),
  },
];

/** The dialect's operations under its path prefix. */
export function upstashOperations(prefix: string): Operation[] {
  return OPERATIONS.flatMap(({ methods, path, ...rest }) =>
    methods.map((method) => ({
      ...rest,
      method,
      path: `${prefix}${path}`,
      tag: "Upstash",
      dialect: "upstash" as const,
    })),
  );
}
