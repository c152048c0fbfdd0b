/**
 * The upstash backend against this proxy's dialect on the embedded log (the Node entry on a real
 * socket, no Kafka needed); test/integration/upstash-backend.test.ts runs it in front of a broker.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateTopicRequest, KafkaBackend } from "../../../src/backends/types.ts";
import { createUpstashBackend } from "../../../src/backends/upstash.ts";
import { ProxyError } from "../../../src/errors.ts";
import { describeKafkaBackend } from "../../contract/kafka-backend.ts";
import { type RunningServer, startNodeServer } from "../../helpers/node-server.ts";

/** The embedded log's topics are created through the upstream proxy's own v3 admin. */
async function createTopicVia(server: RunningServer, request: CreateTopicRequest): Promise<void> {
  const res = await fetch(`${server.url}/v3/clusters/embedded/topics`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ topic_name: request.topic, partitions_count: request.partitions }),
  });
  if (res.status !== 201) throw new Error(`cannot create ${request.topic}: ${await res.text()}`);
}

describeKafkaBackend(
  "upstash → proxy → memory",
  async () => {
    const upstream = await startNodeServer({ UPSTASH_USERNAME: "u", UPSTASH_PASSWORD: "p" });
    const backend = createUpstashBackend({ url: `${upstream.url}/upstash`, username: "u", password: "p" });
    return {
      backend,
      createTopic: (request) => createTopicVia(upstream, request),
      close: async () => {
        await upstream.stop();
      },
    };
  },
  { textOnly: true },
);

describe("upstash backend specifics", () => {
  let upstream: RunningServer;
  let backend: KafkaBackend;
  beforeAll(async () => {
    upstream = await startNodeServer({ AUTO_CREATE_TOPICS: "false" });
    backend = createUpstashBackend({ url: `${upstream.url}/upstash/`, username: "", password: "" });
  });
  afterAll(async () => {
    await upstream?.stop();
  });

  const error = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e as ProxyError,
    );

  it("sends a produce once: a refusal comes back as the mapped error after one request", async () => {
    const refused = await error(
      backend.produce("missing", [{ key: null, value: new TextEncoder().encode("v") }]),
    );
    expect(refused).toBeInstanceOf(ProxyError);
    expect(refused?.code).toBe(40401);
    const produces = upstream.lines.filter((l) => l.msg === "request" && l.path === "/upstash/produce");
    expect(produces).toHaveLength(1);
  });

  it("tells an unknown partition from an unknown topic by the 404's message", async () => {
    await createTopicVia(upstream, { topic: "two", partitions: 2 });
    const refused = await error(
      backend.produce("two", [{ key: null, value: new TextEncoder().encode("v"), partition: 5 }]),
    );
    expect(refused?.code).toBe(40402);
  });

  it("never sends an empty commit, which the dialect reads as 'commit everything consumed'", async () => {
    await backend.commitOffsets("g", []);
    expect(await backend.committedOffsets("g", [])).toEqual([]);
    const calls = upstream.lines.filter(
      (l) => l.msg === "request" && String(l.path).startsWith("/upstash/commit"),
    );
    expect(calls).toEqual([]);
  });

  it("reports the endpoint as the cluster's one broker", async () => {
    const cluster = await backend.describeCluster();
    expect(cluster).toEqual({
      clusterId: "upstash",
      controllerId: 0,
      brokers: [{ id: 0, host: "127.0.0.1", port: Number(new URL(upstream.url).port) }],
    });
  });
});
