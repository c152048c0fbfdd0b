/**
 * KAFKA_BACKEND=upstash: the backend over the real @upstash/kafka client, talking to a second proxy
 * (the Node entry on the kafka backend) in front of the real broker. The backend contract runs
 * through that chain as far as the dialect can express it; the cases it cannot are asserted below
 * as the documented behaviour instead.
 */
import { Kafka } from "@upstash/kafka";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkajsBackend } from "../../src/backends/kafkajs.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { createUpstashBackend } from "../../src/backends/upstash.ts";
import { ProxyError } from "../../src/errors.ts";
import { describeKafkaBackend } from "../contract/kafka-backend.ts";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";

const brokers = inject("kafkaBrokers");
const credentials = { username: "edge", password: "chain-secret" };
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;
const unique = (label: string) => `upstash-backend-${label}-${run}-${counter++}`;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));

/** The proxy the upstash backend talks to: the Node entry on the kafka backend, with Basic auth. */
function startUpstream(): Promise<RunningServer> {
  return startNodeServer({
    KAFKA_BACKEND: "kafka",
    KAFKA_BROKERS: brokers,
    UPSTASH_USERNAME: credentials.username,
    UPSTASH_PASSWORD: credentials.password,
  });
}

async function rejection(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProxyError);
  return error as ProxyError;
}

describeKafkaBackend(
  "upstash → proxy → kafka",
  async () => {
    const upstream = await startUpstream();
    const cluster = createKafkajsBackend({ brokers: brokers.split(","), clientId: "kep-upstash-contract" });
    const backend = createUpstashBackend({ url: `${upstream.url}/upstash`, ...credentials });
    return {
      backend,
      createTopic: async (request) => {
        await cluster.createTopic(request);
      },
      close: async () => {
        await Promise.all([backend.close(), cluster.close(), upstream.stop()]);
      },
    };
  },
  { textOnly: true },
);

describe("upstash backend: what the dialect cannot express", () => {
  let upstream: RunningServer;
  let cluster: KafkaBackend;
  let backend: KafkaBackend;

  async function topicWith(partitions: number): Promise<string> {
    const topic = unique("t");
    await cluster.createTopic({ topic, partitions });
    return topic;
  }

  beforeAll(async () => {
    upstream = await startUpstream();
    cluster = createKafkajsBackend({ brokers: brokers.split(","), clientId: "kep-upstash-limits" });
    backend = createUpstashBackend({ url: `${upstream.url}/upstash`, ...credentials });
  });
  afterAll(async () => {
    await Promise.all([backend?.close(), cluster?.close(), upstream?.stop()]);
  });

  it("refuses to create or delete topics with 40002, and shows the endpoint as broker 0", async () => {
    const topic = await topicWith(2);
    const create = await rejection(backend.createTopic({ topic: unique("new"), partitions: 1 }));
    expect(create.code).toBe(40002);
    expect(create.message).toMatch(/cannot create topics/);
    expect((await rejection(backend.deleteTopic(topic))).code).toBe(40002);
    expect((await rejection(backend.deleteTopic(unique("missing")))).code).toBe(40401);
    expect(await cluster.describeTopic(topic)).toBeDefined();
    const described = await backend.describeTopic(topic);
    expect(described?.partitions.map((p) => [p.partition, p.leader])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(described?.configs).toEqual({});
  });

  it("refuses records it cannot carry as text with 422, writing none of the batch", async () => {
    const topic = await topicWith(1);
    const cases = [
      { key: null, value: null },
      { key: null, value: new Uint8Array([0, 255, 1]) },
      { key: new Uint8Array([255]), value: bytes("v") },
      { key: null, value: bytes("v"), headers: [{ key: "h", value: null }] },
    ];
    for (const record of cases) {
      const error = await rejection(backend.produce(topic, [{ key: null, value: bytes("fine") }, record]));
      expect(error.code).toBe(422);
      expect(error.message).toMatch(/^Record 1 cannot be sent over the Upstash Kafka REST dialect/);
    }
    const [offsets] = await cluster.partitionOffsets([{ topic, partition: 0 }]);
    expect(offsets.end).toBe(0);
  });

  it("reads text faithfully, an absent or empty key as null, and drops commit metadata", async () => {
    const topic = await topicWith(1);
    await cluster.produce(topic, [
      {
        key: bytes("k"),
        value: bytes("grüße"),
        headers: [{ key: "h", value: bytes("x") }],
        timestamp: 1_700_000_000_000,
      },
      { key: null, value: bytes("no key") },
      { key: bytes(""), value: bytes("empty key") },
    ]);
    const [partition] = await backend.fetch([{ topic, partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(partition.records.map((r) => [text(r.key), text(r.value)])).toEqual([
      ["k", "grüße"],
      [null, "no key"],
      [null, "empty key"],
    ]);
    expect(partition.records[0].headers.map((h) => [h.key, text(h.value)])).toEqual([["h", "x"]]);
    expect(partition.records[0].timestamp).toBe(1_700_000_000_000);

    const group = unique("g");
    await backend.commitOffsets(group, [{ topic, partition: 0, offset: 2, metadata: "lost" }]);
    expect(await backend.committedOffsets(group, [{ topic, partition: 0 }])).toEqual([
      { topic, partition: 0, offset: 2, metadata: "" },
    ]);
    // The commit is Kafka's, visible to any client of the group.
    expect(await cluster.committedOffsets(group, [{ topic, partition: 0 }])).toEqual([
      { topic, partition: 0, offset: 2, metadata: "" },
    ]);
  });

  it("surfaces a 4xx after one request, not after the client's 15.5 s of retries", async () => {
    const missing = unique("missing");
    const error = await rejection(
      backend.fetch([{ topic: missing, partition: 0, offset: 0 }], { maxBytes: 100, maxWaitMs: 0 }),
    );
    expect(error.code).toBe(40401);
    const fetches = upstream.lines.filter(
      (l) => l.msg === "request" && l.path === "/upstash/fetch" && l.status === 404,
    );
    expect(fetches).toHaveLength(1);
  });

  it("maps wrong credentials to 40101 and an unreachable endpoint to a retriable 50003", async () => {
    const intruder = createUpstashBackend({
      url: `${upstream.url}/upstash`,
      username: "edge",
      password: "wrong",
    });
    expect((await rejection(intruder.listTopics())).code).toBe(40101);
    const nowhere = createUpstashBackend({
      url: "http://127.0.0.1:9/upstash",
      username: "",
      password: "",
      retries: 1,
      retryBackoffMs: 1,
    });
    const error = await rejection(nowhere.listTopics());
    expect(error.code).toBe(50003);
    expect(error.retriable).toBe(true);
  });
});

describe("a proxy on KAFKA_BACKEND=upstash in front of a proxy on the kafka backend", () => {
  let upstream: RunningServer;
  let edge: RunningServer;
  let cluster: KafkaBackend;
  const V2 = "application/vnd.kafka.v2+json";

  beforeAll(async () => {
    upstream = await startUpstream();
    edge = await startNodeServer({
      KAFKA_BACKEND: "upstash",
      UPSTASH_KAFKA_REST_URL: `${upstream.url}/upstash`,
      UPSTASH_KAFKA_REST_USERNAME: credentials.username,
      UPSTASH_KAFKA_REST_PASSWORD: credentials.password,
    });
    cluster = createKafkajsBackend({ brokers: brokers.split(","), clientId: "kep-upstash-chain" });
  });
  afterAll(async () => {
    await Promise.all([cluster?.close(), edge?.stop(), upstream?.stop()]);
  });

  const call = async (method: string, path: string, body?: unknown, type = V2) => {
    const res = await fetch(`${edge.url}${path}`, {
      method,
      headers: { "Content-Type": type, Accept: V2 },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  };

  it("serves Confluent v2 produce, consumer reads and commits that land in the real broker", async () => {
    const topic = unique("chain");
    await cluster.createTopic({ topic, partitions: 2 });
    expect(edge.lines.find((l) => l.msg === "listening")?.backend).toBe("upstash");

    const produced = await call(
      "POST",
      `/topics/${topic}`,
      {
        records: [
          { key: "alice", value: { n: 1 } },
          { value: { n: 2 }, partition: 1 },
        ],
      },
      "application/vnd.kafka.json.v2+json",
    );
    expect(produced.status).toBe(200);
    // murmur2 of the stored JSON text "\"alice\"" picks partition 0 of 2, as on Confluent.
    expect(produced.body.offsets.map((o: { partition: number }) => o.partition)).toEqual([0, 1]);

    const group = unique("group");
    const created = await call("POST", `/consumers/${group}`, {
      name: "w1",
      format: "json",
      "auto.offset.reset": "earliest",
      "auto.commit.enable": "false",
    });
    expect(created.status).toBe(200);
    const instance = `/consumers/${group}/instances/w1`;
    expect((await call("POST", `${instance}/subscription`, { topics: [topic] })).status).toBe(204);
    const res = await fetch(`${edge.url}${instance}/records?timeout=3000`, {
      headers: { Accept: "application/vnd.kafka.json.v2+json" },
    });
    const records = await res.json();
    expect(records.map((r: { key: unknown; value: unknown }) => [r.key, r.value])).toEqual([
      ["alice", { n: 1 }],
      [null, { n: 2 }],
    ]);
    expect((await call("POST", `${instance}/offsets`)).status).toBe(200);
    expect(
      await cluster.committedOffsets(group, [
        { topic, partition: 0 },
        { topic, partition: 1 },
      ]),
    ).toEqual([
      { topic, partition: 0, offset: 1, metadata: "" },
      { topic, partition: 1, offset: 1, metadata: "" },
    ]);
    expect((await call("DELETE", instance)).status).toBe(204);
  });

  it("serves the @upstash/kafka client over two hops", async () => {
    const topic = unique("hops");
    await cluster.createTopic({ topic, partitions: 1 });
    const kafka = new Kafka({ url: `${edge.url}/upstash`, username: "", password: "" });
    await kafka.producer().produce(topic, "over two hops", { key: "k" });
    const messages = await kafka.consumer().consume({
      consumerGroupId: unique("g"),
      instanceId: "i",
      topics: [topic],
      autoOffsetReset: "earliest",
      timeout: 3000,
    });
    expect(messages.map((m) => [m.key, m.value])).toEqual([["k", "over two hops"]]);
    const [partition] = await cluster.fetch([{ topic, partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(text(partition.records[0].value)).toBe("over two hops");
  });
});
