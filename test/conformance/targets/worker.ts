import { startWranglerDev } from "../../workers/wrangler-dev.ts";
import type { TargetFactory } from "../target.ts";
import { requestOverHttp } from "./over-http.ts";

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
      request: (method, path, init) => requestOverHttp(worker.url, method, path, init),
      stop: () => worker.stop(),
    };
  },
};
