/**
 * The Worker entry inside workerd: the default export as wrangler.toml configures it (embedded log,
 * consumer state in the ConsumerGroupDO namespace), and handlers built from other vars/bindings.
 */

import { env, exports } from "cloudflare:workers";
import type { ExecutionContext } from "@cloudflare/workers-types";
import { describe, expect, it } from "vitest";
import { createWorker, type WorkerEnv } from "../../functions/cloudflare-worker.ts";

const V2 = "application/vnd.kafka.v2+json";
const V2_JSON = "application/vnd.kafka.json.v2+json";
const ORIGIN = "http://worker.test";
const bindings = env as unknown as WorkerEnv;
const context = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

type Handler = (request: Request) => Promise<Response>;
const deployed: Handler = (request) =>
  (exports as unknown as { default: { fetch: Handler } }).default.fetch(request);

function call(handler: Handler, method: string, path: string, body?: unknown, type = V2) {
  return handler(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: { "Content-Type": type, Accept: type === V2_JSON ? V2 : type },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** A handler for the given vars plus wrangler.toml's bindings, as a fresh isolate would build it. */
function isolate(vars: Record<string, string> = {}): Handler {
  const worker = createWorker();
  return (request) => worker.fetch(request, { ...bindings, ...vars }, context);
}

describe("Worker entry", () => {
  it("produces and consumes through the Confluent v2 API with state in a Durable Object", async () => {
    const produced = await call(
      deployed,
      "POST",
      "/topics/w-orders",
      { records: [{ value: { n: 1 } }] },
      V2_JSON,
    );
    expect(await produced.json()).toMatchObject({ offsets: [{ partition: 0, offset: 0, error_code: null }] });

    const created = await call(deployed, "POST", "/consumers/w-group", {
      name: "w1",
      format: "json",
      "auto.offset.reset": "earliest",
      "auto.commit.enable": "false",
    });
    expect(await created.json()).toEqual({
      instance_id: "w1",
      base_uri: `${ORIGIN}/consumers/w-group/instances/w1`,
    });
    const instance = "/consumers/w-group/instances/w1";
    expect((await call(deployed, "POST", `${instance}/subscription`, { topics: ["w-orders"] })).status).toBe(
      204,
    );

    const read = await deployed(
      new Request(`${ORIGIN}${instance}/records?timeout=2000`, { headers: { Accept: V2_JSON } }),
    );
    expect(await read.json()).toEqual([
      expect.objectContaining({ topic: "w-orders", value: { n: 1 }, offset: 0 }),
    ]);

    await call(deployed, "POST", `${instance}/offsets`, {
      offsets: [{ topic: "w-orders", partition: 0, offset: 0 }],
    });
    const committed = await deployed(new Request(`${ORIGIN}${instance}/offsets`));
    expect(await committed.json()).toEqual({
      offsets: [{ topic: "w-orders", partition: 0, offset: 1, metadata: "" }],
    });
    expect((await call(deployed, "DELETE", instance)).status).toBe(204);
  });

  it("answers a waiting read with a record produced by another request meanwhile", async () => {
    const instance = "/consumers/w-wait/instances/w";
    await call(deployed, "POST", "/consumers/w-wait", {
      name: "w",
      format: "json",
      "auto.offset.reset": "earliest",
    });
    await call(deployed, "POST", "/topics/w-late", { records: [{ value: 0 }] }, V2_JSON);
    await call(deployed, "POST", `${instance}/subscription`, { topics: ["w-late"] });
    const first = await deployed(
      new Request(`${ORIGIN}${instance}/records`, { headers: { Accept: V2_JSON } }),
    );
    expect((await first.json()).map((r: { value: unknown }) => r.value)).toEqual([0]);

    const waiting = deployed(new Request(`${ORIGIN}${instance}/records`, { headers: { Accept: V2_JSON } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await call(deployed, "POST", "/topics/w-late", { records: [{ value: 1 }] }, V2_JSON);
    expect((await (await waiting).json()).map((r: { value: unknown }) => r.value)).toEqual([1]);
  });

  it("serves a consumer instance from another isolate than the one that created it", async () => {
    const first = isolate();
    const second = isolate();
    await call(first, "POST", "/consumers/w-shared", { name: "a" });
    await call(first, "POST", "/consumers/w-shared/instances/a/subscription", { topics: ["w-t"] });
    const seen = await call(second, "GET", "/consumers/w-shared/instances/a/subscription");
    expect(seen.status).toBe(200);
    expect(await seen.json()).toEqual({ topics: ["w-t"] });
  });

  it("keeps consumer instances per isolate with STATE_STORE=memory, and shares them with kv", async () => {
    const [memoryA, memoryB] = [isolate({ STATE_STORE: "memory" }), isolate({ STATE_STORE: "memory" })];
    await call(memoryA, "POST", "/consumers/w-local", { name: "m" });
    expect((await call(memoryB, "GET", "/consumers/w-local/instances/m/subscription")).status).toBe(404);

    const [kvA, kvB] = [isolate({ STATE_STORE: "kv" }), isolate({ STATE_STORE: "kv" })];
    await call(kvA, "POST", "/consumers/w-kv", { name: "k" });
    expect((await call(kvB, "GET", "/consumers/w-kv/instances/k/subscription")).status).toBe(200);
  });

  it("parses settings from wrangler vars", async () => {
    const handler = isolate({ DEFAULT_PARTITIONS: "3" });
    await call(handler, "POST", "/topics/w-three", { records: [{ value: 1 }] }, V2_JSON);
    const topic = await (await call(handler, "GET", "/topics/w-three")).json();
    expect(topic.partitions).toHaveLength(3);
  });

  it("answers every request with a 500 naming each bad setting or missing binding", async () => {
    const worker = createWorker();
    const broken = {
      STATE_STORE: "kv",
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: "b:9092",
      CONSUMER_MAX_BYTES: "lots",
    };
    for (let i = 0; i < 2; i++) {
      const response = await worker.fetch(new Request(`${ORIGIN}/topics`), broken, context);
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body.error_code).toBe(500);
      expect(body.message).toContain("CONSUMER_MAX_BYTES must be a whole number");
    }
    const unbound = await isolateWithout("STATE_KV", {
      STATE_STORE: "kv",
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: "b:9092",
    });
    expect(unbound.message).toContain("STATE_STORE=kv needs a KV namespace bound as STATE_KV");
    expect(unbound.message).toContain("KAFKA_BACKEND=kafka needs TCP connections");
    const noObject = await isolateWithout("CONSUMER_GROUPS", { STATE_STORE: "durable-object" });
    expect(noObject.message).toContain("bound as CONSUMER_GROUPS");
    const redis = await isolateWithout("", { STATE_STORE: "redis://127.0.0.1:6379" });
    expect(redis.message).toContain("STATE_STORE=redis:// needs TCP connections");
  });
});

async function isolateWithout(binding: string, vars: Record<string, string>) {
  const { [binding]: _removed, ...rest } = bindings;
  const response = await createWorker().fetch(new Request(`${ORIGIN}/topics`), { ...rest, ...vars }, context);
  expect(response.status).toBe(500);
  return response.json();
}
