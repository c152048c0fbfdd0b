import { ingestWebhook } from "../core/webhooks/ingest.ts";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { Router } from "./http.ts";

export const WEBHOOK_PATH = "/webhooks/:name";

/**
 * POST /webhooks/{name}: one configured webhook per name. The body becomes one record value byte
 * for byte; the answer is 200 with where it went, and `"duplicate": true` (same partition and
 * offset, nothing produced) for a delivery id already taken within the replay window: senders
 * treat any 2xx as delivered and stop retrying, which is what a replay should cause.
 */
export function registerWebhookRoutes(router: Router): void {
  router.post(WEBHOOK_PATH, async (c) => {
    const { backend, state, config } = c.var.deps;
    const name = c.req.param("name") ?? "";
    const webhook = config.webhooks.find((w) => w.name === name);
    if (!webhook) throw new ProxyError(ErrorCode.NOT_FOUND, `Webhook '${name}' is not configured.`);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const result = await ingestWebhook({ backend, store: state, now: Date.now }, webhook, {
      header: (headerName) => c.req.header(headerName),
      body,
    });
    return c.json(result, 200);
  });
}
