import { z } from "zod";
import { integer, section } from "./section.ts";

/** Where consumer instances live and how they behave. */
export const consumersSection = section({
  settings: {
    STATE_STORE: z
      .string()
      .trim()
      .refine((v) => ["memory", "kv", "durable-object"].includes(v) || /^rediss?:\/\/[^\s]+$/.test(v), {
        message: "STATE_STORE must be memory, a redis:// URL, or on Workers kv or durable-object",
      })
      .default("memory"),
    STATE_KEY_PREFIX: z.string().default("kep:"),
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, message: "PUBLIC_URL must be an http(s) URL" })
      .transform((v) => v.replace(/\/+$/, ""))
      .optional(),
    CONSUMER_INSTANCE_TIMEOUT_MS: integer("CONSUMER_INSTANCE_TIMEOUT_MS", 1000, 7 * 24 * 3600 * 1000).default(
      300_000,
    ),
    CONSUMER_REQUEST_TIMEOUT_MS: integer("CONSUMER_REQUEST_TIMEOUT_MS", 0, 300_000).default(1000),
    CONSUMER_MAX_BYTES: integer("CONSUMER_MAX_BYTES", 1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    CONSUMER_ASSIGNMENT_REFRESH_MS: integer("CONSUMER_ASSIGNMENT_REFRESH_MS", 100, 600_000).default(5000),
  },
  build: (e) => ({
    /** "memory", the redis:// URL of the shared store, or on Workers "kv" or "durable-object". */
    stateStore: e.STATE_STORE,
    stateKeyPrefix: e.STATE_KEY_PREFIX,
    /** Origin used in consumer base_uri; undefined: each request's own origin. */
    publicUrl: e.PUBLIC_URL,
    consumer: {
      instanceTimeoutMs: e.CONSUMER_INSTANCE_TIMEOUT_MS,
      requestTimeoutMs: e.CONSUMER_REQUEST_TIMEOUT_MS,
      maxBytes: e.CONSUMER_MAX_BYTES,
      assignmentRefreshMs: e.CONSUMER_ASSIGNMENT_REFRESH_MS,
    },
  }),
});
