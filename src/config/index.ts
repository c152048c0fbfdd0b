import { z } from "zod";
import { consumersSection } from "./consumers.ts";
import { kafkaSection } from "./kafka.ts";
import type { Section } from "./section.ts";
import { securitySection } from "./security.ts";
import { serverSection } from "./server.ts";
import { sinksSection } from "./sinks.ts";
import { upstashSection } from "./upstash.ts";
import { webhooksSection } from "./webhooks.ts";

export type { KafkaConfig } from "./kafka.ts";
export type { AuthConfig, CorsConfig, JwtConfig } from "./security.ts";
export type { LogLevel } from "./server.ts";
export type { UpstashConfig } from "./upstash.ts";
export type { WebhookConfig } from "./webhooks.ts";

/** Every area's settings. A new area adds its section file here and to Config below. */
const SECTIONS = [
  serverSection,
  kafkaSection,
  consumersSection,
  webhooksSection,
  upstashSection,
  securitySection,
  sinksSection,
] as const;

/** Settings of one proxy, built once by an entry from its environment and injected. */
export type Config = ReturnType<typeof serverSection.build> &
  ReturnType<typeof securitySection.build> &
  ReturnType<typeof kafkaSection.build> &
  ReturnType<typeof consumersSection.build> &
  ReturnType<typeof upstashSection.build> &
  ReturnType<typeof webhooksSection.build> &
  ReturnType<typeof sinksSection.build>;

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type AnySection = Section<z.ZodRawShape, object>;

/**
 * Parses settings from an environment-like record (process.env, Workers vars). Empty strings
 * count as unset. Throws ConfigError naming every bad setting with the value it got (secrets
 * redacted).
 */
/** Every environment variable the proxy reads, in section order (the README documents each). */
export function settingNames(): string[] {
  return (SECTIONS as readonly AnySection[]).flatMap((s) => Object.keys(s.settings));
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const sections = SECTIONS as readonly AnySection[];
  const shape = Object.assign({}, ...sections.map((s) => s.settings)) as z.ZodRawShape;
  const secrets = new Set(sections.flatMap((s) => s.secrets ?? []));
  const present = Object.fromEntries(
    Object.keys(shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const result = z.object(shape).safeParse(present);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        const got = secrets.has(key) ? "[redacted]" : JSON.stringify(present[key]);
        return `${issue.message} (got ${got})`;
      });
  for (const s of sections) problems.push(...(s.problems?.(present) ?? []));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const parsed = result.data as Record<string, unknown>;
  return Object.assign({}, ...sections.map((s) => s.build(parsed as never))) as Config;
}
