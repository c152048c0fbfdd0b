import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/index.ts";
import { configProblems } from "../../helpers/config.ts";

describe("parseConfig: Upstash settings", () => {
  it("serves the dialect at /upstash, open, and has no upstash backend by default", () => {
    expect(parseConfig({}).upstash).toEqual({ pathPrefix: "/upstash", auth: undefined, backend: undefined });
  });

  it("reads the prefix, the dialect's credentials and the backend's endpoint", () => {
    const { upstash, kafkaBackend } = parseConfig({
      UPSTASH_PATH_PREFIX: "/kafka/upstash",
      UPSTASH_USERNAME: "user",
      UPSTASH_PASSWORD: "serve-secret",
      KAFKA_BACKEND: "Upstash",
      UPSTASH_KAFKA_REST_URL: "https://proxy.example.com/upstash/",
      UPSTASH_KAFKA_REST_USERNAME: "edge",
      UPSTASH_KAFKA_REST_PASSWORD: "backend-secret",
      UPSTASH_KAFKA_REST_RETRIES: "0",
    });
    expect(kafkaBackend).toBe("upstash");
    expect(upstash.pathPrefix).toBe("/kafka/upstash");
    expect(upstash.auth?.password).toBe("serve-secret");
    expect(upstash.backend).toMatchObject({
      url: "https://proxy.example.com/upstash",
      username: "edge",
      retries: 0,
    });
    expect(upstash.backend?.password).toBe("backend-secret");
    expect(JSON.stringify(upstash)).not.toMatch(/secret/);
  });

  it("requires the endpoint for KAFKA_BACKEND=upstash and both credentials together", () => {
    expect(configProblems({ KAFKA_BACKEND: "upstash" })).toEqual([
      expect.stringMatching(/^UPSTASH_KAFKA_REST_URL is required when KAFKA_BACKEND=upstash/),
    ]);
    expect(configProblems({ UPSTASH_USERNAME: "user" })).toEqual([
      expect.stringMatching(/UPSTASH_USERNAME and UPSTASH_PASSWORD must be set together/),
    ]);
  });

  it("names a bad prefix, URL or retry count", () => {
    const problems = configProblems({
      UPSTASH_PATH_PREFIX: "upstash/",
      UPSTASH_KAFKA_REST_URL: "ftp://x",
      UPSTASH_KAFKA_REST_RETRIES: "99",
    });
    expect(problems).toContain(
      'UPSTASH_PATH_PREFIX must be a path such as /upstash (not / and no trailing slash) (got "upstash/")',
    );
    expect(problems).toContain('UPSTASH_KAFKA_REST_URL must be an http(s) URL (got "ftp://x")');
    expect(problems).toContain('UPSTASH_KAFKA_REST_RETRIES must be at most 10 (got "99")');
  });
});
