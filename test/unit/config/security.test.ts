import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/config/index.ts";

const KEY = "ops-key-0123456789abcdef";
const SECRET = "a-shared-secret-of-at-least-32-characters";

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return expect.unreachable("the configuration was accepted");
}

describe("security settings", () => {
  it("default to no authentication, no CORS, no rate limit and 10000 records per request", () => {
    const config = parseConfig({});
    expect(config.auth).toBeUndefined();
    expect(config.cors).toEqual({ origins: [], credentials: false });
    expect(config.rateLimitPerMinute).toBe(0);
    expect(config.maxRecordsPerRequest).toBe(10_000);
  });

  it("turn authentication on with AUTH_ENABLED and keep secrets out of JSON", () => {
    const config = parseConfig({
      AUTH_ENABLED: "true",
      AUTH_API_KEYS: JSON.stringify({
        ops: KEY,
        web: ["web-key-0123456789abcdef", "web-key-next-0123456789"],
      }),
      AUTH_PERMISSIONS: JSON.stringify({ ops: ["admin:*"], "*": ["consume:public-*"] }),
      AUTH_JWT_SECRET: SECRET,
      AUTH_JWT_ISSUER: "https://id.example.com",
    });
    expect(config.auth?.apiKeys).toEqual([
      { principal: "ops", key: KEY },
      { principal: "web", key: "web-key-0123456789abcdef" },
      { principal: "web", key: "web-key-next-0123456789" },
    ]);
    expect(config.auth?.jwt?.secret).toBe(SECRET);
    expect(config.auth?.permissions).toEqual({ ops: ["admin:*"], "*": ["consume:public-*"] });
    const printed = JSON.stringify(config);
    expect(printed).not.toContain(KEY);
    expect(printed).not.toContain(SECRET);
    expect(printed).toContain("https://id.example.com");
  });

  it("refuses AUTH_ENABLED without a way to sign in, and credentials without AUTH_ENABLED", () => {
    expect(problemsOf({ AUTH_ENABLED: "true" })).toEqual([
      "AUTH_ENABLED=true needs a way to sign in: set AUTH_API_KEYS, or AUTH_JWT_SECRET, or AUTH_JWKS_URL",
    ]);
    expect(problemsOf({ AUTH_API_KEYS: JSON.stringify({ ops: KEY }) })).toEqual([
      "AUTH_API_KEYS is set but AUTH_ENABLED is not true: set AUTH_ENABLED=true, or every request is let in",
    ]);
  });

  it("refuses the Upstash dialect's own Basic user alongside AUTH_ENABLED", () => {
    expect(
      problemsOf({
        AUTH_ENABLED: "true",
        AUTH_JWT_SECRET: SECRET,
        UPSTASH_USERNAME: "u",
        UPSTASH_PASSWORD: "p",
      }),
    ).toEqual([
      "UPSTASH_USERNAME/UPSTASH_PASSWORD are replaced by AUTH_API_KEYS when AUTH_ENABLED=true: the Upstash client's username is the principal and its password that principal's API key",
    ]);
  });

  it("never repeats a secret in a configuration error", () => {
    const problems = problemsOf({
      AUTH_ENABLED: "true",
      AUTH_API_KEYS: `{"ops":"short-${KEY.slice(0, 4)}"`,
      AUTH_JWT_SECRET: "too-short-secret",
    });
    expect(problems).toEqual([
      `AUTH_API_KEYS must be JSON, e.g. {"ops":"<key of 16+ characters>","web":["<key>","<next key>"]} (got [redacted])`,
      "AUTH_JWT_SECRET must be at least 32 characters (HS256 needs 256 bits) (got [redacted])",
    ]);
    const short = problemsOf({ AUTH_ENABLED: "true", AUTH_API_KEYS: JSON.stringify({ ops: "tiny-secret" }) });
    expect(short).toEqual(["AUTH_API_KEYS: every key must be at least 16 characters (got [redacted])"]);
    expect(short.join()).not.toContain("tiny-secret");
  });

  it("names a grant that is not action:pattern", () => {
    expect(
      problemsOf({
        AUTH_ENABLED: "true",
        AUTH_JWT_SECRET: SECRET,
        AUTH_PERMISSIONS: JSON.stringify({ web: ["produce:clicks", "write:clicks"] }),
      }),
    ).toEqual([
      `AUTH_PERMISSIONS: 'write:clicks' of web is not produce|consume|admin:<topic pattern> (got "{\\"web\\":[\\"produce:clicks\\",\\"write:clicks\\"]}")`,
    ]);
  });

  it("reads CORS origins and refuses * with credentials", () => {
    expect(
      parseConfig({
        CORS_ORIGINS: "https://app.example.com, http://localhost:5173",
        CORS_CREDENTIALS: "true",
      }).cors,
    ).toEqual({ origins: ["https://app.example.com", "http://localhost:5173"], credentials: true });
    expect(problemsOf({ CORS_ORIGINS: "https://app.example.com/path" })[0]).toMatch(/^CORS_ORIGINS must be/);
    expect(problemsOf({ CORS_ORIGINS: "*", CORS_CREDENTIALS: "yes" })).toEqual([
      "CORS_CREDENTIALS=true needs CORS_ORIGINS to list origins: browsers refuse * with credentials",
    ]);
  });

  it("reads the limits", () => {
    const config = parseConfig({ RATE_LIMIT_PER_MINUTE: "600", MAX_RECORDS_PER_REQUEST: "500" });
    expect(config.rateLimitPerMinute).toBe(600);
    expect(config.maxRecordsPerRequest).toBe(500);
    expect(problemsOf({ MAX_RECORDS_PER_REQUEST: "0" })[0]).toMatch(
      /MAX_RECORDS_PER_REQUEST must be at least 1/,
    );
  });
});
