import { z } from "zod";
import { boolean, choice, integer, section } from "./section.ts";

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Listening, request limits, topic defaults and logging. */
export const serverSection = section({
  settings: {
    PORT: integer("PORT", 0, 65535).default(8082),
    HOST: z.string().trim().min(1, "HOST must not be empty").default("127.0.0.1"),
    DEFAULT_PARTITIONS: integer("DEFAULT_PARTITIONS", 1, 10_000).default(1),
    AUTO_CREATE_TOPICS: boolean("AUTO_CREATE_TOPICS").default(true),
    MAX_REQUEST_BYTES: integer("MAX_REQUEST_BYTES", 1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
    LOG_LEVEL: choice("LOG_LEVEL", LOG_LEVELS).default("info"),
  },
  build: (e) => ({
    port: e.PORT,
    host: e.HOST,
    defaultPartitions: e.DEFAULT_PARTITIONS,
    autoCreateTopics: e.AUTO_CREATE_TOPICS,
    maxRequestBytes: e.MAX_REQUEST_BYTES,
    logLevel: e.LOG_LEVEL as LogLevel,
  }),
});
