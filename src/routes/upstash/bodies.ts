import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../types.ts";
import { readJson } from "../http.ts";
import { badRequest } from "./errors.ts";

const offset = z.number().int().min(0, "must be a non-negative integer");
const partition = z.number().int().min(0, "must be a non-negative partition number");
const topic = z.string().min(1, "must be a topic name");

const header = z.object({ key: z.string(), value: z.string({ message: "must be a string" }) });

export const messageBody = z.object({
  topic: topic.optional(),
  value: z.string({ message: "is required and must be a string" }),
  key: z.string({ message: "must be a string" }).optional(),
  partition: partition.optional(),
  timestamp: z.number().int().min(0, "must be a time in ms since the epoch").optional(),
  headers: z.array(header).optional(),
});

export const topicPartition = z.object({ topic, partition });
export const topicPartitionOffset = z.object({ topic, partition, offset });

export const fetchBody = z.object({
  topic: topic.optional(),
  partition: partition.optional(),
  offset: offset.optional(),
  topicPartitionOffsets: z.array(topicPartitionOffset).optional(),
  timeout: offset.optional(),
});

export const consumeBody = z.object({
  topic: topic.optional(),
  topics: z.array(topic).optional(),
  timeout: offset.optional(),
});

/** A single object or an array of them, as the docs allow wherever they say "or an array". */
export const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(schema));

/** Validates with a 400 naming the first bad field (Upstash answered illegal arguments with 400). */
export function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue.path.join(".");
  throw badRequest(at ? `${at}: ${issue.message}` : `Invalid request body: ${issue.message}`);
}

/** The JSON body whatever the Content-Type (the docs' curl examples send form-urlencoded). */
export async function body<T extends z.ZodType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<z.output<T> | undefined> {
  const json = await readJson(c);
  return json === undefined ? undefined : parse(schema, json);
}

/** An integer query parameter (ms), or undefined. */
export function queryMs(c: Context<AppEnv>, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,9}$/.test(raw))
    throw badRequest(`Query parameter ${name} must be a number of ms (got '${raw}').`);
  return Number(raw);
}
