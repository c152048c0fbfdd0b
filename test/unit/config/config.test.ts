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
      logLevel: "info",
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
    expect(problems).toContain('KAFKA_BACKEND must be one of: memory (got "x")');
  });

  it("rejects a port out of range", () => {
    expect(() => parseConfig({ PORT: "70000" })).toThrow(/PORT must be at most 65535/);
  });
});
