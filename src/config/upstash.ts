import { z } from "zod";
import { integer, section } from "./section.ts";

/** Serving the Upstash Kafka REST dialect, and reaching an Upstash-compatible endpoint as a backend. */
export interface UpstashConfig {
  /** Where the dialect is mounted, e.g. "/upstash"; clients set their url to origin + prefix. */
  pathPrefix: string;
  /** Basic auth the dialect demands; undefined: open. The password is non-enumerable. */
  auth: { username: string; password: string } | undefined;
  /** The endpoint KAFKA_BACKEND=upstash talks to; the password is non-enumerable. */
  backend: { url: string; username: string; password: string; retries: number } | undefined;
}

function withHiddenPassword<T extends object>(fields: T, password: string): T & { password: string } {
  Object.defineProperty(fields, "password", { value: password, enumerable: false });
  return fields as T & { password: string };
}

export const upstashSection = section({
  settings: {
    UPSTASH_PATH_PREFIX: z
      .string()
      .trim()
      .regex(/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/, {
        message: "UPSTASH_PATH_PREFIX must be a path such as /upstash (not / and no trailing slash)",
      })
      .default("/upstash"),
    UPSTASH_USERNAME: z.string().optional(),
    UPSTASH_PASSWORD: z.string().optional(),
    UPSTASH_KAFKA_REST_URL: z
      .url({ protocol: /^https?$/, message: "UPSTASH_KAFKA_REST_URL must be an http(s) URL" })
      .transform((v) => v.replace(/\/+$/, ""))
      .optional(),
    UPSTASH_KAFKA_REST_USERNAME: z.string().optional(),
    UPSTASH_KAFKA_REST_PASSWORD: z.string().optional(),
    UPSTASH_KAFKA_REST_RETRIES: integer("UPSTASH_KAFKA_REST_RETRIES", 0, 10).default(2),
  },
  secrets: ["UPSTASH_PASSWORD", "UPSTASH_KAFKA_REST_PASSWORD"],
  problems(present) {
    const problems: string[] = [];
    if ((present.UPSTASH_USERNAME === undefined) !== (present.UPSTASH_PASSWORD === undefined)) {
      problems.push(
        "UPSTASH_USERNAME and UPSTASH_PASSWORD must be set together (Basic auth for the dialect)",
      );
    }
    if (present.KAFKA_BACKEND?.trim().toLowerCase() === "upstash" && !present.UPSTASH_KAFKA_REST_URL) {
      problems.push(
        "UPSTASH_KAFKA_REST_URL is required when KAFKA_BACKEND=upstash (the Upstash-compatible endpoint, e.g. http://host:8082/upstash)",
      );
    }
    return problems;
  },
  build(e): { upstash: UpstashConfig } {
    const auth =
      e.UPSTASH_USERNAME !== undefined && e.UPSTASH_PASSWORD !== undefined
        ? withHiddenPassword({ username: e.UPSTASH_USERNAME }, e.UPSTASH_PASSWORD)
        : undefined;
    const backend =
      e.UPSTASH_KAFKA_REST_URL === undefined
        ? undefined
        : withHiddenPassword(
            {
              url: e.UPSTASH_KAFKA_REST_URL,
              username: e.UPSTASH_KAFKA_REST_USERNAME ?? "",
              retries: e.UPSTASH_KAFKA_REST_RETRIES,
            },
            e.UPSTASH_KAFKA_REST_PASSWORD ?? "",
          );
    return { upstash: { pathPrefix: e.UPSTASH_PATH_PREFIX, auth, backend } };
  },
});
