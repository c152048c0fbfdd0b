import { z } from "zod";
import { parseGrant } from "../auth/permissions.ts";
import { boolean, integer, section } from "./section.ts";

/** How clients prove who they are (AUTH_ENABLED=true). */
export interface AuthConfig {
  /**
   * API keys and whose they are. Non-enumerable, like every secret in Config: it never shows in
   * JSON or console output.
   */
  apiKeys: Array<{ principal: string; key: string }>;
  /** Grants (`action:pattern`) by principal name; `*` lists what every principal gets. */
  permissions: Record<string, string[]>;
  jwt: JwtConfig | undefined;
}

export interface JwtConfig {
  /** HS256 shared secret (non-enumerable). */
  secret: string | undefined;
  /** Where the RS256/ES256 public keys are published. */
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
}

export interface CorsConfig {
  /** Origins browsers may call from; `*` for any; empty: no CORS headers at all. */
  origins: string[];
  credentials: boolean;
}

const PRINCIPAL = /^[^\s:]{1,200}$/;
const MIN_KEY_LENGTH = 16;

/** A JSON setting; the message never repeats the text, which may hold secrets. */
const json = (name: string, example: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: `${name} must be JSON, e.g. ${example}` });
      return z.NEVER;
    }
  });

const API_KEYS_EXAMPLE = `{"ops":"<key of 16+ characters>","web":["<key>","<next key>"]}`;
const apiKeys = json("AUTH_API_KEYS", API_KEYS_EXAMPLE).pipe(
  z
    .record(
      z.string().regex(PRINCIPAL, "AUTH_API_KEYS: a principal name has no spaces or ':'"),
      z.union([z.string(), z.array(z.string())]),
      { message: `AUTH_API_KEYS must map principal names to keys, e.g. ${API_KEYS_EXAMPLE}` },
    )
    .transform((record) =>
      Object.entries(record).flatMap(([principal, keys]) =>
        (Array.isArray(keys) ? keys : [keys]).map((key) => ({ principal, key })),
      ),
    )
    .refine((keys) => keys.every(({ key }) => key.length >= MIN_KEY_LENGTH), {
      message: `AUTH_API_KEYS: every key must be at least ${MIN_KEY_LENGTH} characters`,
    })
    .refine((keys) => new Set(keys.map((k) => k.key)).size === keys.length, {
      message: "AUTH_API_KEYS: a key may belong to one principal only",
    }),
);

const PERMISSIONS_EXAMPLE = `{"web":["produce:clicks","consume:clicks"],"ops":["admin:*"]}`;
const permissions = json("AUTH_PERMISSIONS", PERMISSIONS_EXAMPLE)
  .pipe(
    z.record(z.string(), z.array(z.string()), {
      message: `AUTH_PERMISSIONS must map principal names to lists of grants, e.g. ${PERMISSIONS_EXAMPLE}`,
    }),
  )
  .superRefine((record, ctx) => {
    for (const [principal, grants] of Object.entries(record)) {
      for (const grant of grants) {
        if (parseGrant(grant)) continue;
        ctx.addIssue({
          code: "custom",
          message: `AUTH_PERMISSIONS: '${grant}' of ${principal} is not produce|consume|admin:<topic pattern>`,
        });
      }
    }
  });

const origins = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o !== ""),
  )
  .refine((list) => list.every((o) => o === "*" || isOrigin(o)), {
    message: "CORS_ORIGINS must be * or a comma-separated list of origins such as https://app.example.com",
  });

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

const CREDENTIAL_SETTINGS = ["AUTH_API_KEYS", "AUTH_JWT_SECRET", "AUTH_JWKS_URL"] as const;
const isTrue = (value: string | undefined) => /^(true|1|yes)$/i.test(value?.trim() ?? "");

function hidden<T extends object, K extends string, V>(target: T, key: K, value: V): T & Record<K, V> {
  Object.defineProperty(target, key, { value, enumerable: false });
  return target as T & Record<K, V>;
}

/** Authentication, per-topic permissions, CORS and request limits. */
export const securitySection = section({
  settings: {
    AUTH_ENABLED: boolean("AUTH_ENABLED").default(false),
    AUTH_API_KEYS: apiKeys.optional(),
    AUTH_PERMISSIONS: permissions.optional(),
    AUTH_JWT_SECRET: z
      .string()
      .min(32, "AUTH_JWT_SECRET must be at least 32 characters (HS256 needs 256 bits)")
      .optional(),
    AUTH_JWKS_URL: z
      .url({ protocol: /^https?$/, message: "AUTH_JWKS_URL must be an http(s) URL" })
      .optional(),
    AUTH_JWT_ISSUER: z.string().trim().optional(),
    AUTH_JWT_AUDIENCE: z.string().trim().optional(),
    CORS_ORIGINS: origins.optional(),
    CORS_CREDENTIALS: boolean("CORS_CREDENTIALS").default(false),
    RATE_LIMIT_PER_MINUTE: integer("RATE_LIMIT_PER_MINUTE", 0, 10_000_000).default(0),
    MAX_RECORDS_PER_REQUEST: integer("MAX_RECORDS_PER_REQUEST", 1, 1_000_000).default(10_000),
  },
  secrets: ["AUTH_API_KEYS", "AUTH_JWT_SECRET"],
  problems(present) {
    const problems: string[] = [];
    const given = CREDENTIAL_SETTINGS.filter((key) => present[key] !== undefined);
    if (isTrue(present.AUTH_ENABLED) && given.length === 0) {
      problems.push(`AUTH_ENABLED=true needs a way to sign in: set ${CREDENTIAL_SETTINGS.join(", or ")}`);
    }
    if (!isTrue(present.AUTH_ENABLED) && given.length > 0) {
      problems.push(
        `${given.join(" and ")} ${given.length > 1 ? "are" : "is"} set but AUTH_ENABLED is not true: set AUTH_ENABLED=true, or every request is let in`,
      );
    }
    if (isTrue(present.AUTH_ENABLED) && present.UPSTASH_USERNAME !== undefined) {
      problems.push(
        "UPSTASH_USERNAME/UPSTASH_PASSWORD are replaced by AUTH_API_KEYS when AUTH_ENABLED=true: the Upstash client's username is the principal and its password that principal's API key",
      );
    }
    const wildcard = (present.CORS_ORIGINS ?? "").split(",").some((o) => o.trim() === "*");
    if (wildcard && isTrue(present.CORS_CREDENTIALS)) {
      problems.push(
        "CORS_CREDENTIALS=true needs CORS_ORIGINS to list origins: browsers refuse * with credentials",
      );
    }
    return problems;
  },
  build(e) {
    let auth: AuthConfig | undefined;
    if (e.AUTH_ENABLED) {
      const jwt =
        e.AUTH_JWT_SECRET !== undefined || e.AUTH_JWKS_URL !== undefined
          ? hidden(
              {
                jwksUrl: e.AUTH_JWKS_URL,
                issuer: e.AUTH_JWT_ISSUER,
                audience: e.AUTH_JWT_AUDIENCE,
              },
              "secret",
              e.AUTH_JWT_SECRET,
            )
          : undefined;
      auth = hidden({ permissions: e.AUTH_PERMISSIONS ?? {}, jwt }, "apiKeys", e.AUTH_API_KEYS ?? []);
    }
    const cors: CorsConfig = { origins: e.CORS_ORIGINS ?? [], credentials: e.CORS_CREDENTIALS };
    return {
      /** Undefined: authentication is off and every request is let in (local development). */
      auth,
      cors,
      /** Requests per principal per minute; 0: no limit. */
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      maxRecordsPerRequest: e.MAX_RECORDS_PER_REQUEST,
    };
  },
});
