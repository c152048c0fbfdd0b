/**
 * Webhook ingest inside workerd: the signature check runs on the Workers runtime's Web Crypto and
 * the replay memory on the ConsumerGroupDO Durable Object store. The signature below was made
 * outside the test with `printf '%s' "$BODY" | openssl dgst -sha256 -hmac worker-secret`.
 */

import { env } from "cloudflare:workers";
import type { ExecutionContext } from "@cloudflare/workers-types";
import { expect, it } from "vitest";
import { createWorker, type WorkerEnv } from "../../functions/cloudflare-worker.ts";

const BODY = '{"action":"opened","repository":{"full_name":"octo/worker"}}';
const SIGNATURE = "sha256=e819cba4ae67e669aaf978e333e925092b81b118a8880df69394420d0964bddb";
const WEBHOOKS = JSON.stringify([
  {
    name: "github",
    topic: "worker-hooks",
    secret: "worker-secret",
    signature: { scheme: "github" },
    key: { jsonPath: "$.repository.full_name" },
    replay: { header: "X-GitHub-Delivery", windowSeconds: 600 },
  },
]);
const context = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

it("verifies a GitHub signature and drops the replay, inside workerd", async () => {
  const worker = createWorker();
  const deliver = (body: string) =>
    worker.fetch(
      new Request("http://worker.test/webhooks/github", {
        method: "POST",
        headers: { "X-Hub-Signature-256": SIGNATURE, "X-GitHub-Delivery": "worker-delivery-1" },
        body,
      }),
      { ...(env as unknown as WorkerEnv), WEBHOOKS },
      context,
    );

  const first = await deliver(BODY);
  expect(await first.json()).toEqual({ topic: "worker-hooks", partition: 0, offset: 0, duplicate: false });
  const replay = await deliver(BODY);
  expect(await replay.json()).toEqual({ topic: "worker-hooks", partition: 0, offset: 0, duplicate: true });
  const tampered = await deliver(BODY.replace("opened", "closed"));
  expect(tampered.status).toBe(401);
});
