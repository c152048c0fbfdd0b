import { createApp } from "../../src/app.ts";
import { createMemoryBackend, type MemoryBackendOptions } from "../../src/backends/memory.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { type Config, parseConfig } from "../../src/config/index.ts";
import { createJsonLogger } from "../../src/logger.ts";

export const V2 = "application/vnd.kafka.v2+json";
export const V2_BINARY = "application/vnd.kafka.binary.v2+json";
export const V2_JSON = "application/vnd.kafka.json.v2+json";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  backend: KafkaBackend;
  config: Config;
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** `app.request` with JSON conveniences: `json` is sent as the body. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

export function testApp(
  env: Record<string, string> = {},
  backendOptions: Partial<MemoryBackendOptions> = {},
): TestApp {
  const config = parseConfig(env);
  const logs: Array<Record<string, unknown>> = [];
  const backend = createMemoryBackend({
    autoCreateTopics: config.autoCreateTopics,
    defaultPartitions: config.defaultPartitions,
    ...backendOptions,
  });
  const logger = createJsonLogger("debug", (line) => logs.push(JSON.parse(line)));
  const app = createApp({ backend, config, logger });
  return {
    app,
    backend,
    config,
    logs,
    request(path, init = {}) {
      const { json, ...rest } = init;
      return Promise.resolve(
        app.request(path, json === undefined ? rest : { ...rest, body: JSON.stringify(json) }),
      );
    },
  };
}

export function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

export function fromBase64(text: string): string {
  return Buffer.from(text, "base64").toString();
}
