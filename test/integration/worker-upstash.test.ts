/**
 * End to end: a Worker under workerd (`wrangler dev`, KAFKA_BACKEND=upstash, consumer state in the
 * ConsumerGroupDO Durable Object) → this proxy on Node serving the Upstash dialect
 * (KAFKA_BACKEND=kafka) → the real Kafka broker. Clients speak Confluent v2 to the Worker only.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningServer, rawRequest, startNodeServer } from "../helpers/node-server.ts";
import { startWranglerDev, type WranglerDev } from "../workers/wrangler-dev.ts";

const V2 = "application/vnd.kafka.v2+json";
const V2_JSON = "application/vnd.kafka.json.v2+json";

describe("a Worker on KAFKA_BACKEND=upstash, through the Node proxy, to Kafka", () => {
  let node: RunningServer;
  let worker: WranglerDev;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const topic = `worker-upstash-${run}`;
  const group = `worker-group-${run}`;

  const post = (base: string, path: string, body: unknown, type = V2) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "Content-Type": type, Accept: V2 },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    node = await startNodeServer({ KAFKA_BACKEND: "kafka", KAFKA_BROKERS: inject("kafkaBrokers") });
    worker = await startWranglerDev({
      KAFKA_BACKEND: "upstash",
      UPSTASH_KAFKA_REST_URL: `${node.url}/upstash`,
      STATE_STORE: "durable-object",
      LOG_LEVEL: "warn",
    });
    const { data } = await (await fetch(`${node.url}/v3/clusters`)).json();
    const created = await fetch(`${node.url}/v3/clusters/${data[0].cluster_id}/topics`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ topic_name: topic, partitions_count: 2 }),
    });
    expect(created.status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await node?.stop();
  });

  it("produces, consumes and commits through the Worker's Confluent v2 API", async () => {
    const produced = await post(
      worker.url,
      `/topics/${topic}`,
      {
        records: [
          { key: "alice", value: { n: 1 }, partition: 0 },
          { value: { n: 2 }, partition: 1 },
        ],
      },
      V2_JSON,
    );
    expect(produced.status).toBe(200);
    expect((await produced.json()).offsets).toEqual([
      { partition: 0, offset: 0, error_code: null, error: null },
      { partition: 1, offset: 0, error_code: null, error: null },
    ]);

    const created = await post(worker.url, `/consumers/${group}`, {
      name: "w1",
      format: "json",
      "auto.offset.reset": "earliest",
      "auto.commit.enable": "false",
    });
    const instance = `/consumers/${group}/instances/w1`;
    expect(await created.json()).toEqual({ instance_id: "w1", base_uri: `${worker.url}${instance}` });
    expect((await post(worker.url, `${instance}/subscription`, { topics: [topic] })).status).toBe(204);

    const records: Array<{ key: unknown; value: unknown; partition: number; offset: number }> = [];
    for (let attempt = 0; attempt < 20 && records.length < 2; attempt++) {
      const read = await fetch(`${worker.url}${instance}/records?timeout=2000`, {
        headers: { Accept: V2_JSON },
      });
      expect(read.status).toBe(200);
      records.push(...(await read.json()));
    }
    expect(records.map((r) => [r.partition, r.offset, r.key, r.value]).sort()).toEqual([
      [0, 0, "alice", { n: 1 }],
      [1, 0, null, { n: 2 }],
    ]);

    const committed = await post(worker.url, `${instance}/offsets`, {
      offsets: [{ topic, partition: 0, offset: 0 }],
    });
    expect(committed.status).toBe(200);
    // A GET with a body (fetch() cannot send one): workerd passes it on, so only partition 1 is asked.
    const named = await rawRequest(
      worker.url,
      "GET",
      `${instance}/offsets`,
      JSON.stringify({ partitions: [{ topic, partition: 1 }] }),
    );
    expect(JSON.parse(named.text)).toEqual({ offsets: [] });
    const all = await (await fetch(`${worker.url}${instance}/offsets`)).json();
    expect(all.offsets).toEqual([{ topic, partition: 0, offset: 1, metadata: "" }]);

    // The commit reached Kafka: the Node proxy, which talks to the broker itself, sees it.
    await post(node.url, `/consumers/${group}`, { name: "checker", "auto.commit.enable": "false" });
    const assigned = await post(node.url, `/consumers/${group}/instances/checker/assignments`, {
      partitions: [{ topic, partition: 0 }],
    });
    expect(assigned.status).toBe(204);
    const offsets = await (await fetch(`${node.url}/consumers/${group}/instances/checker/offsets`)).json();
    expect(offsets.offsets).toEqual([{ topic, partition: 0, offset: 1, metadata: "" }]);
  });
});
