/**
 * The REST routes on the kafka backend: v3 topic admin, v2 produce and the v1 read against the real
 * broker, with Kafka's answers mapped to Confluent's error codes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createKafkajsBackend } from "../../src/backends/kafkajs.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { parseConfig } from "../../src/config/index.ts";
import { createJsonLogger } from "../../src/logger.ts";
import { createMemoryStateStore } from "../../src/state/memory.ts";

const brokers = inject("kafkaBrokers");
const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const JSON_V2 = "application/vnd.kafka.json.v2+json";

describe("REST routes on the kafka backend", () => {
  let backend: KafkaBackend;
  let app: ReturnType<typeof createApp>;
  let clusterId: string;

  beforeAll(async () => {
    const config = parseConfig({
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: brokers,
      AUTO_CREATE_TOPICS: "false",
    });
    backend = createKafkajsBackend({
      brokers: config.kafka.brokers,
      allowAutoTopicCreation: config.autoCreateTopics,
    });
    app = createApp({ backend, state: createMemoryStateStore(), config, logger: createJsonLogger("silent") });
    clusterId = (await backend.describeCluster()).clusterId;
  });
  afterAll(async () => {
    await backend.close();
  });

  const json = async (response: Response | Promise<Response>) => {
    const r = await response;
    return { status: r.status, body: (await r.json()) as Record<string, unknown> & unknown[] };
  };

  it("creates, lists, describes and deletes topics through /v3", async () => {
    const topic = `rest-admin-${run}`;
    const created = await json(
      app.request(`/v3/clusters/${clusterId}/topics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ topic_name: topic, partitions_count: 4 }),
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ topic_name: topic, partitions_count: 4, replication_factor: 1 });

    const again = await json(
      app.request(`/v3/clusters/${clusterId}/topics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ topic_name: topic, partitions_count: 4 }),
      }),
    );
    expect(again.body).toMatchObject({ error_code: 40002 });

    const list = await json(app.request(`/v3/clusters/${clusterId}/topics`));
    expect((list.body.data as Array<{ topic_name: string }>).map((t) => t.topic_name)).toContain(topic);
    expect((await json(app.request(`/v3/clusters/${clusterId}/topics/${topic}`))).body).toMatchObject({
      partitions_count: 4,
    });

    expect(
      (await app.request(`/v3/clusters/${clusterId}/topics/${topic}`, { method: "DELETE" })).status,
    ).toBe(204);
    expect((await json(app.request(`/v3/clusters/${clusterId}/topics/${topic}`))).body).toMatchObject({
      error_code: 40401,
    });
  });

  it("produces through /topics and reads back through the v1 messages route", async () => {
    const topic = `rest-produce-${run}`;
    await backend.createTopic({ topic, partitions: 2 });
    const produced = await json(
      app.request(`/topics/${topic}/partitions/1`, {
        method: "POST",
        headers: { "content-type": JSON_V2 },
        body: JSON.stringify({ records: [{ key: "k", value: { n: 1 } }, { value: [2] }] }),
      }),
    );
    expect(produced.status).toBe(200);
    expect(produced.body.offsets).toEqual([
      { partition: 1, offset: 0, error_code: null, error: null },
      { partition: 1, offset: 1, error_code: null, error: null },
    ]);
    const read = await json(
      app.request(`/topics/${topic}/partitions/1/messages?offset=0&count=10`, {
        headers: { accept: "application/vnd.kafka.json.v1+json" },
      }),
    );
    expect(read.body).toEqual([
      { key: "k", value: { n: 1 }, partition: 1, offset: 0 },
      { key: null, value: [2], partition: 1, offset: 1 },
    ]);
  });

  it("answers 40401 and 40402 from Kafka's metadata", async () => {
    const missing = await json(
      app.request(`/topics/rest-missing-${run}`, {
        method: "POST",
        headers: { "content-type": JSON_V2 },
        body: JSON.stringify({ records: [{ value: 1 }] }),
      }),
    );
    expect(missing).toMatchObject({ status: 404, body: { error_code: 40401 } });
    const topic = `rest-partitions-${run}`;
    await backend.createTopic({ topic, partitions: 1 });
    const partition = await json(
      app.request(`/topics/${topic}/partitions/3`, {
        method: "POST",
        headers: { "content-type": JSON_V2 },
        body: JSON.stringify({ records: [{ value: 1 }] }),
      }),
    );
    expect(partition).toMatchObject({ status: 404, body: { error_code: 40402 } });
    expect((await app.request("/readyz")).status).toBe(200);
  });
});
