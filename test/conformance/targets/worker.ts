import { request } from "node:http";
import { startWranglerDev } from "../../workers/wrangler-dev.ts";
import type { ConformanceResponse, TargetFactory } from "../target.ts";

/**
 * The Worker under workerd: `wrangler dev` with wrangler.toml (embedded log, consumer state in the
 * ConsumerGroupDO Durable Object namespace, fresh local storage), spoken to over a real socket.
 */
export const workerTarget: TargetFactory = {
  name: "worker (wrangler dev)",
  async start() {
    const worker = await startWranglerDev({ LOG_LEVEL: "warn" });
    return {
      origin: worker.url,
      // node:http rather than fetch(), which refuses a GET body.
      request: (method, path, init = {}) =>
        new Promise<ConformanceResponse>((resolve, reject) => {
          const body = init.body ?? "";
          const req = request(`${worker.url}${path}`, {
            method,
            headers: {
              ...init.headers,
              ...(body === "" ? {} : { "Content-Length": Buffer.byteLength(body) }),
            },
          });
          req.on("response", (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(res.headers)) {
                if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
              }
              resolve({ status: res.statusCode ?? 0, headers, bodyText: Buffer.concat(chunks).toString() });
            });
          });
          req.on("error", reject);
          req.end(body);
        }),
      stop: () => worker.stop(),
    };
  },
};
