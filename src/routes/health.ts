import { ErrorCode, ProxyError } from "../errors.ts";
import type { Router } from "./http.ts";

/** /healthz: the process answers. /readyz: the Kafka backend answers too. */
export function registerHealthRoutes(router: Router): void {
  router.get("/healthz", (c) => c.json({ status: "ok" }));
  router.get("/readyz", async (c) => {
    const { backend } = c.var.deps;
    try {
      await backend.describeCluster();
    } catch (error) {
      throw new ProxyError(
        ErrorCode.BROKER_NOT_AVAILABLE,
        `Kafka backend '${backend.name}' is not reachable.`,
        {
          cause: error,
        },
      );
    }
    return c.json({ status: "ready", backend: backend.name });
  });
}
