import type { z } from "zod";
import { KAFKA_RESPONSE_TYPES } from "../middleware/negotiate.ts";

/** One documented operation: the route table the OpenAPI document is generated from. */
export interface Operation {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI path syntax: /topics/{topic}. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Query parameters: the properties of this object schema. */
  query?: z.ZodObject;
  /** Request headers the operation reads. */
  headers?: Array<{ name: string; description: string; required?: boolean }>;
  body?: { required: boolean; description?: string; content: Record<string, z.ZodType | "bytes"> };
  /** By status; every operation also documents the error envelope as its default response. */
  responses: Record<number, { description: string; content?: Record<string, z.ZodType | "html"> }>;
  /** Authenticated otherwise than by API key or bearer token (webhooks: by signature). */
  public?: boolean;
  /** The Upstash dialect: its own error envelope and Basic auth. Default: Confluent's. */
  dialect?: "upstash";
}

/** The same schema under each of several media types. */
export function each<T>(types: readonly string[], schema: T): Record<string, T> {
  return Object.fromEntries(types.map((type) => [type, schema]));
}

/** A 200 answered with `schema` under each negotiable type (the v2 and v1-era Kafka types by default). */
export function ok(description: string, schema: z.ZodType, types: readonly string[] = KAFKA_RESPONSE_TYPES) {
  return { description, content: each(types, schema) };
}

export const NO_CONTENT = { description: "Done." };
