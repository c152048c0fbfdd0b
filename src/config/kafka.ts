import { z } from "zod";
import { boolean, choice, integer, section } from "./section.ts";

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
      { message: `${name} must be a comma-separated list of host:port` },
    );

const BACKENDS = ["memory", "kafka", "upstash"] as const;
const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;
const ACKS = { all: -1, "-1": -1, "1": 1, "0": 0 } as const;

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

/** Which Kafka backend, and the settings of a real cluster. */
export const kafkaSection = section({
  settings: {
    KAFKA_BACKEND: choice("KAFKA_BACKEND", BACKENDS).default("memory"),
    KAFKA_BROKERS: brokerList("KAFKA_BROKERS").optional(),
    KAFKA_CLIENT_ID: z.string().trim().default("kafka-edge-proxy"),
    KAFKA_TLS: boolean("KAFKA_TLS").optional(),
    KAFKA_TLS_CA_FILE: z.string().trim().optional(),
    KAFKA_SASL_MECHANISM: choice("KAFKA_SASL_MECHANISM", SASL_MECHANISMS).optional(),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
    KAFKA_ACKS: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["all", "-1", "1", "0"], { message: "KAFKA_ACKS must be one of: all, 1, 0" }))
      .transform((v) => ACKS[v])
      .default(-1),
    KAFKA_COMPRESSION: choice("KAFKA_COMPRESSION", ["none", "gzip"]).default("none"),
    KAFKA_METADATA_TTL_MS: integer("KAFKA_METADATA_TTL_MS", 0, 600_000).default(5000),
    KAFKA_REQUEST_TIMEOUT_MS: integer("KAFKA_REQUEST_TIMEOUT_MS", 1000, 300_000).default(30_000),
    KAFKA_CONNECTION_TIMEOUT_MS: integer("KAFKA_CONNECTION_TIMEOUT_MS", 100, 60_000).default(3000),
  },
  secrets: ["KAFKA_SASL_PASSWORD"],
  problems(present) {
    const problems: string[] = [];
    if (present.KAFKA_BACKEND?.trim() === "kafka" && present.KAFKA_BROKERS === undefined) {
      problems.push(
        "KAFKA_BROKERS is required when KAFKA_BACKEND=kafka (a comma-separated list of host:port)",
      );
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
  },
  build(e) {
    let sasl: KafkaConfig["sasl"];
    if (
      e.KAFKA_SASL_MECHANISM &&
      e.KAFKA_SASL_USERNAME !== undefined &&
      e.KAFKA_SASL_PASSWORD !== undefined
    ) {
      sasl = { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME } as NonNullable<
        KafkaConfig["sasl"]
      >;
      Object.defineProperty(sasl, "password", { value: e.KAFKA_SASL_PASSWORD, enumerable: false });
    }
    const kafka: KafkaConfig = {
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
    };
    return { kafkaBackend: e.KAFKA_BACKEND, kafka };
  },
});
