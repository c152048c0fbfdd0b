import { z } from "zod";

const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(
      z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`),
    );

const boolean = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ["true", "false", "1", "0", "yes", "no"].includes(v), {
      message: `${name} must be true or false`,
    })
    .transform((v) => v === "true" || v === "1" || v === "yes");

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const schema = z.object({
  PORT: integer("PORT", 0, 65535).default(8082),
  HOST: z.string().trim().min(1, "HOST must not be empty").default("127.0.0.1"),
  KAFKA_BACKEND: z.enum(["memory"], { message: "KAFKA_BACKEND must be one of: memory" }).default("memory"),
  DEFAULT_PARTITIONS: integer("DEFAULT_PARTITIONS", 1, 10_000).default(1),
  AUTO_CREATE_TOPICS: boolean("AUTO_CREATE_TOPICS").default(true),
  MAX_REQUEST_BYTES: integer("MAX_REQUEST_BYTES", 1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of: ${LOG_LEVELS.join(", ")}` })
    .default("info"),
});

type Env = z.output<typeof schema>;

/** Settings of one proxy, built once by an entry from its environment and injected. */
export interface Config {
  port: number;
  host: string;
  kafkaBackend: Env["KAFKA_BACKEND"];
  defaultPartitions: number;
  autoCreateTopics: boolean;
  maxRequestBytes: number;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Parses settings from an environment-like record (process.env, Workers vars). Empty strings
 * count as unset. Throws ConfigError naming every bad setting with the value it got.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.keys(schema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${issue.message} (got ${JSON.stringify(present[key])})`;
      }),
    );
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    kafkaBackend: e.KAFKA_BACKEND,
    defaultPartitions: e.DEFAULT_PARTITIONS,
    autoCreateTopics: e.AUTO_CREATE_TOPICS,
    maxRequestBytes: e.MAX_REQUEST_BYTES,
    logLevel: e.LOG_LEVEL,
  };
}
