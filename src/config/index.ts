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

/** Comma-separated host:port list, e.g. "b1:9092,b2:9092". */
const brokerList = (name: string) =>
  z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((b) => b.trim())
        .filter((b) => b !== ""),
    )
    .refine(
      (list) =>
        list.length > 0 &&
        list.every((b) => /^[^\s:/,]+:\d{1,5}$/.test(b) && Number(b.split(":")[1]) <= 65535),
      {
        message: `${name} must be a comma-separated list of host:port`,
      },
    );

const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;
const ACKS = { all: -1, "-1": -1, "1": 1, "0": 0 } as const;
/** Never echoed back in configuration errors. */
const SECRET_SETTINGS = new Set(["KAFKA_SASL_PASSWORD"]);

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const schema = z.object({
  PORT: integer("PORT", 0, 65535).default(8082),
  HOST: z.string().trim().min(1, "HOST must not be empty").default("127.0.0.1"),
  KAFKA_BACKEND: z
    .enum(["memory", "kafka"], { message: "KAFKA_BACKEND must be one of: memory, kafka" })
    .default("memory"),
  KAFKA_BROKERS: brokerList("KAFKA_BROKERS").optional(),
  KAFKA_CLIENT_ID: z.string().trim().default("kafka-edge-proxy"),
  KAFKA_TLS: boolean("KAFKA_TLS").optional(),
  KAFKA_TLS_CA_FILE: z.string().trim().optional(),
  KAFKA_SASL_MECHANISM: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(SASL_MECHANISMS, {
        message: `KAFKA_SASL_MECHANISM must be one of: ${SASL_MECHANISMS.join(", ")}`,
      }),
    )
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_ACKS: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["all", "-1", "1", "0"], { message: "KAFKA_ACKS must be one of: all, 1, 0" }))
    .transform((v) => ACKS[v])
    .default(-1),
  KAFKA_COMPRESSION: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["none", "gzip"], { message: "KAFKA_COMPRESSION must be one of: none, gzip" }))
    .default("none"),
  KAFKA_METADATA_TTL_MS: integer("KAFKA_METADATA_TTL_MS", 0, 600_000).default(5000),
  KAFKA_REQUEST_TIMEOUT_MS: integer("KAFKA_REQUEST_TIMEOUT_MS", 1000, 300_000).default(30_000),
  KAFKA_CONNECTION_TIMEOUT_MS: integer("KAFKA_CONNECTION_TIMEOUT_MS", 100, 60_000).default(3000),
  DEFAULT_PARTITIONS: integer("DEFAULT_PARTITIONS", 1, 10_000).default(1),
  AUTO_CREATE_TOPICS: boolean("AUTO_CREATE_TOPICS").default(true),
  MAX_REQUEST_BYTES: integer("MAX_REQUEST_BYTES", 1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  STATE_STORE: z
    .string()
    .trim()
    .refine((v) => v === "memory" || /^rediss?:\/\/[^\s]+$/.test(v), {
      message: "STATE_STORE must be memory or a redis:// URL",
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
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of: ${LOG_LEVELS.join(", ")}` })
    .default("info"),
});

type Env = z.output<typeof schema>;

/** How to reach a Kafka cluster (KAFKA_BACKEND=kafka). */
export interface KafkaConfig {
  /** Bootstrap brokers, host:port; empty unless KAFKA_BROKERS is set. */
  brokers: string[];
  clientId: string;
  tls: boolean;
  /** Path of a PEM file with the CA certificates to trust; the entry reads it. */
  tlsCaFile: string | undefined;
  /** The password is a non-enumerable property: it never shows in JSON or console output. */
  sasl: { mechanism: (typeof SASL_MECHANISMS)[number]; username: string; password: string } | undefined;
  /** -1 = all in-sync replicas. */
  acks: -1 | 0 | 1;
  compression: "none" | "gzip";
  metadataTtlMs: number;
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
}

/** Settings of one proxy, built once by an entry from its environment and injected. */
export interface Config {
  port: number;
  host: string;
  kafkaBackend: Env["KAFKA_BACKEND"];
  defaultPartitions: number;
  autoCreateTopics: boolean;
  maxRequestBytes: number;
  kafka: KafkaConfig;
  /** "memory", or the redis:// URL of the shared store. */
  stateStore: string;
  stateKeyPrefix: string;
  /** Origin used in consumer base_uri; undefined: each request's own origin. */
  publicUrl: string | undefined;
  consumer: {
    instanceTimeoutMs: number;
    requestTimeoutMs: number;
    maxBytes: number;
    assignmentRefreshMs: number;
  };
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

/** Problems that involve more than one Kafka setting. */
function kafkaProblems(present: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (present.KAFKA_BACKEND?.trim() === "kafka" && present.KAFKA_BROKERS === undefined) {
    problems.push("KAFKA_BROKERS is required when KAFKA_BACKEND=kafka (a comma-separated list of host:port)");
  }
  const sasl = ["KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"];
  const given = sasl.filter((key) => present[key] !== undefined);
  if (given.length > 0 && given.length < sasl.length) {
    const missing = sasl.filter((key) => present[key] === undefined);
    problems.push(
      `SASL needs ${missing.join(" and ")} as well, since ${given.join(" and ")} ${given.length > 1 ? "are" : "is"} set`,
    );
  }
  if (present.KAFKA_TLS_CA_FILE !== undefined && /^(false|0|no)$/i.test(present.KAFKA_TLS?.trim() ?? "")) {
    problems.push("KAFKA_TLS_CA_FILE is set but KAFKA_TLS is false");
  }
  return problems;
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
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        const got = SECRET_SETTINGS.has(key) ? "[redacted]" : JSON.stringify(present[key]);
        return `${issue.message} (got ${got})`;
      });
  problems.push(...kafkaProblems(present));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const e = result.data;
  let sasl: KafkaConfig["sasl"];
  if (e.KAFKA_SASL_MECHANISM && e.KAFKA_SASL_USERNAME !== undefined && e.KAFKA_SASL_PASSWORD !== undefined) {
    sasl = { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME } as NonNullable<
      KafkaConfig["sasl"]
    >;
    Object.defineProperty(sasl, "password", { value: e.KAFKA_SASL_PASSWORD, enumerable: false });
  }
  return {
    port: e.PORT,
    host: e.HOST,
    kafkaBackend: e.KAFKA_BACKEND,
    defaultPartitions: e.DEFAULT_PARTITIONS,
    autoCreateTopics: e.AUTO_CREATE_TOPICS,
    maxRequestBytes: e.MAX_REQUEST_BYTES,
    kafka: {
      brokers: e.KAFKA_BROKERS ?? [],
      clientId: e.KAFKA_CLIENT_ID,
      tls: e.KAFKA_TLS ?? e.KAFKA_TLS_CA_FILE !== undefined,
      tlsCaFile: e.KAFKA_TLS_CA_FILE,
      sasl,
      acks: e.KAFKA_ACKS,
      compression: e.KAFKA_COMPRESSION,
      metadataTtlMs: e.KAFKA_METADATA_TTL_MS,
      requestTimeoutMs: e.KAFKA_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: e.KAFKA_CONNECTION_TIMEOUT_MS,
    },
    stateStore: e.STATE_STORE,
    stateKeyPrefix: e.STATE_KEY_PREFIX,
    publicUrl: e.PUBLIC_URL,
    consumer: {
      instanceTimeoutMs: e.CONSUMER_INSTANCE_TIMEOUT_MS,
      requestTimeoutMs: e.CONSUMER_REQUEST_TIMEOUT_MS,
      maxBytes: e.CONSUMER_MAX_BYTES,
      assignmentRefreshMs: e.CONSUMER_ASSIGNMENT_REFRESH_MS,
    },
    logLevel: e.LOG_LEVEL,
  };
}
