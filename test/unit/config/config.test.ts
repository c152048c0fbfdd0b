import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/config/index.ts";

describe("parseConfig", () => {
  it("defaults to the embedded backend on 127.0.0.1:8082", () => {
    expect(parseConfig({})).toEqual({
      port: 8082,
      host: "127.0.0.1",
      kafkaBackend: "memory",
      defaultPartitions: 1,
      autoCreateTopics: true,
      maxRequestBytes: 10 * 1024 * 1024,
      kafka: {
        brokers: [],
        clientId: "kafka-edge-proxy",
        tls: false,
        tlsCaFile: undefined,
        sasl: undefined,
        acks: -1,
        compression: "none",
        metadataTtlMs: 5000,
        requestTimeoutMs: 30_000,
        connectionTimeoutMs: 3000,
      },
      stateStore: "memory",
      stateKeyPrefix: "kep:",
      publicUrl: undefined,
      consumer: {
        instanceTimeoutMs: 300_000,
        requestTimeoutMs: 1000,
        maxBytes: 64 * 1024 * 1024,
        assignmentRefreshMs: 5000,
      },
      logLevel: "info",
      webhooks: [],
      upstash: { pathPrefix: "/upstash", auth: undefined, backend: undefined },
      auth: undefined,
      cors: { origins: [], credentials: false },
      rateLimitPerMinute: 0,
      maxRecordsPerRequest: 10_000,
      sinks: [],
      sinksIntervalMs: 0,
      sinkInsertTimeoutMs: 30_000,
      sinkLeaseMs: 120_000,
    });
  });

  it("reads every setting and treats empty strings as unset", () => {
    const config = parseConfig({
      PORT: "9000",
      HOST: "0.0.0.0",
      DEFAULT_PARTITIONS: "6",
      AUTO_CREATE_TOPICS: "false",
      MAX_REQUEST_BYTES: "2048",
      LOG_LEVEL: "",
    });
    expect(config).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      defaultPartitions: 6,
      autoCreateTopics: false,
      maxRequestBytes: 2048,
      logLevel: "info",
    });
  });

  it("names every bad setting with the value it got", () => {
    let error: unknown;
    try {
      parseConfig({ PORT: "http", AUTO_CREATE_TOPICS: "maybe", DEFAULT_PARTITIONS: "0", KAFKA_BACKEND: "x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems).toContain('PORT must be a whole number (got "http")');
    expect(problems).toContain('AUTO_CREATE_TOPICS must be true or false (got "maybe")');
    expect(problems).toContain('DEFAULT_PARTITIONS must be at least 1 (got "0")');
    expect(problems).toContain('KAFKA_BACKEND must be one of: memory, kafka, upstash (got "x")');
  });

  it("rejects a port out of range", () => {
    expect(() => parseConfig({ PORT: "70000" })).toThrow(/PORT must be at most 65535/);
  });
});

describe("parseConfig: Kafka settings", () => {
  it("reads the cluster, TLS, SASL, acks and compression settings", () => {
    const config = parseConfig({
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: " b1:9092, b2:9093 ,",
      KAFKA_CLIENT_ID: "edge-1",
      KAFKA_TLS_CA_FILE: "/etc/kafka/ca.pem",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "proxy",
      KAFKA_SASL_PASSWORD: "s3cret",
      KAFKA_ACKS: "1",
      KAFKA_COMPRESSION: "gzip",
      KAFKA_METADATA_TTL_MS: "1000",
      KAFKA_REQUEST_TIMEOUT_MS: "5000",
      KAFKA_CONNECTION_TIMEOUT_MS: "500",
    });
    expect(config.kafkaBackend).toBe("kafka");
    expect(config.kafka).toMatchObject({
      brokers: ["b1:9092", "b2:9093"],
      clientId: "edge-1",
      tls: true,
      tlsCaFile: "/etc/kafka/ca.pem",
      sasl: { mechanism: "scram-sha-512", username: "proxy" },
      acks: 1,
      compression: "gzip",
      metadataTtlMs: 1000,
      requestTimeoutMs: 5000,
      connectionTimeoutMs: 500,
    });
    expect(config.kafka.sasl?.password).toBe("s3cret");
  });

  it("never shows the SASL password in JSON", () => {
    const config = parseConfig({
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: "proxy",
      KAFKA_SASL_PASSWORD: "s3cret",
    });
    expect(JSON.stringify(config)).not.toContain("s3cret");
  });

  it("accepts acks=all and acks=0", () => {
    expect(parseConfig({ KAFKA_ACKS: "all" }).kafka.acks).toBe(-1);
    expect(parseConfig({ KAFKA_ACKS: "0" }).kafka.acks).toBe(0);
  });

  it("requires KAFKA_BROKERS for the kafka backend", () => {
    expect(() => parseConfig({ KAFKA_BACKEND: "kafka" })).toThrow(
      /KAFKA_BROKERS is required when KAFKA_BACKEND=kafka/,
    );
  });

  it("names bad Kafka settings, incomplete SASL and a CA file without TLS", () => {
    let error: unknown;
    try {
      parseConfig({
        KAFKA_BROKERS: "localhost",
        KAFKA_ACKS: "2",
        KAFKA_COMPRESSION: "zstd",
        KAFKA_SASL_MECHANISM: "gssapi",
        KAFKA_SASL_PASSWORD: "s3cret",
        KAFKA_TLS: "false",
        KAFKA_TLS_CA_FILE: "/ca.pem",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'KAFKA_BROKERS must be a comma-separated list of host:port (got "localhost")',
        'KAFKA_ACKS must be one of: all, 1, 0 (got "2")',
        'KAFKA_COMPRESSION must be one of: none, gzip (got "zstd")',
        'KAFKA_SASL_MECHANISM must be one of: plain, scram-sha-256, scram-sha-512 (got "gssapi")',
        "SASL needs KAFKA_SASL_USERNAME as well, since KAFKA_SASL_MECHANISM and KAFKA_SASL_PASSWORD are set",
        "KAFKA_TLS_CA_FILE is set but KAFKA_TLS is false",
      ]),
    );
    expect((error as Error).message).not.toContain("s3cret");
  });
});
