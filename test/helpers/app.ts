import { createApp } from "../../src/app.ts";
import { createMemoryBackend, type MemoryBackendOptions } from "../../src/backends/memory.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { type Config, parseConfig } from "../../src/config/index.ts";
import { createJsonLogger } from "../../src/logger.ts";
import { createMemoryStateStore } from "../../src/state/memory.ts";

export const V2 = "application/vnd.kafka.v2+json";
export const V2_BINARY = "application/vnd.kafka.binary.v2+json";
export const V2_JSON = "application/vnd.kafka.json.v2+json";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  backend: KafkaBackend;
  config: Config;
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** `app.request` with JSON conveniences: `json` is sent as the body (also on GET). */
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
  const state = createMemoryStateStore();
  const app = createApp({ backend, state, config, logger });
  return {
    app,
    backend,
    config,
    logs,
    request(path, init = {}) {
      const { json, ...rest } = init;
      if (json === undefined) return Promise.resolve(app.request(path, rest));
      const body = JSON.stringify(json);
      // A Fetch-API GET cannot carry a body: pass it the way the Node entry does.
      if ((rest.method ?? "GET") === "GET") {
        return Promise.resolve(app.request(path, rest, { getRequestBody: async () => body }));
      }
      return Promise.resolve(app.request(path, { ...rest, body }));
    },
  };
}

export function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

export function fromBase64(text: string): string {
  return Buffer.from(text, "base64").toString();
}
