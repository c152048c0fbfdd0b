import { startNodeServer } from "../../helpers/node-server.ts";
import type { TargetFactory } from "../target.ts";
import { requestOverHttp } from "./over-http.ts";

/** `node functions/node.ts` on an ephemeral port, spoken to over a real socket. */
export const nodeTarget: TargetFactory = {
  name: "node",
  async start() {
    const server = await startNodeServer();
    return {
      origin: server.url,
      request: (method, path, init) => requestOverHttp(server.url, method, path, init),
      async stop() {
        await server.stop();
      },
    };
  },
};
