/**
 * The real @upstash/kafka client (1.3.5) against this proxy's Upstash dialect, served by the Node
 * entry on the embedded log and on a real Kafka broker: existing Upstash code only changes its url.
 */
import { Kafka, UpstashError } from "@upstash/kafka";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;
const unique = (label: string) => `upstash-${label}-${run}-${counter++}`;
const credentials = { username: "client", password: "s3cret" };

async function rejection(promise: Promise<unknown>): Promise<UpstashError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstashError);
  return error as UpstashError;
}

function describeUpstashClient(name: string, env: () => Record<string, string>): void {
  describe(`@upstash/kafka against the proxy (${name} backend)`, () => {
    let server: RunningServer;
    let kafka: Kafka;

    /** Topics with several partitions come from the proxy's own v3 admin. */
    async function topicWith(partitions: number): Promise<string> {
      const topic = unique("t");
      const clusters = await (await fetch(`${server.url}/v3/clusters`)).json();
      const clusterId = clusters.data[0].cluster_id;
      const res = await fetch(`${server.url}/v3/clusters/${clusterId}/topics`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ topic_name: topic, partitions_count: partitions }),
      });
      expect(res.status).toBe(201);
      return topic;
    }

    beforeAll(async () => {
      server = await startNodeServer({
        ...env(),
        UPSTASH_USERNAME: credentials.username,
        UPSTASH_PASSWORD: credentials.password,
      });
      kafka = new Kafka({ url: `${server.url}/upstash`, ...credentials });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("produces one message and many, and fetches each back at its offset", async () => {
      const topic = await topicWith(2);
      const other = await topicWith(1);
      const producer = kafka.producer();
      const one = await producer.produce(topic, { hello: "world" }, { partition: 1, key: "k1" });
      expect(one).toMatchObject({ topic, partition: 1, offset: 0 });
      const many = await producer.produceMany([
        { topic, value: "second", partition: 1, headers: [{ key: "h", value: "v" }] },
        { topic: other, value: "elsewhere" },
      ]);
      expect(many.map((m) => [m.topic, m.partition, m.offset])).toEqual([
        [topic, 1, 1],
        [other, 0, 0],
      ]);

      const consumer = kafka.consumer();
      const [found] = await consumer.fetch({ topic, partition: 1, offset: 1, timeout: 1000 });
      expect(found).toMatchObject({ topic, partition: 1, offset: 1, key: "", value: "second" });
      expect(found.headers).toEqual([{ key: "h", value: "v" }]);

      const split = await consumer.fetch({
        topic: other,
        partition: 0,
        offset: 0,
        topicPartitionOffsets: [{ topic, partition: 1, offset: 0 }],
        timeout: 1000,
      });
      expect(split.map((m) => [m.topic, m.offset, m.value])).toEqual([
        [topic, 0, '{"hello":"world"}'],
        [topic, 1, "second"],
        [other, 0, "elsewhere"],
      ]);
      expect(JSON.parse(split[0].value)).toEqual({ hello: "world" });
      expect(split[0].key).toBe("k1");
    });

    it("consumes with an implicit instance, commits as given and reads the commit back", async () => {
      const topic = await topicWith(1);
      const group = unique("g");
      await kafka.producer().produceMany(["a", "b", "c"].map((value) => ({ topic, value })));
      const consumer = kafka.consumer();
      const request = {
        consumerGroupId: group,
        instanceId: "instance-1",
        topics: [topic],
        autoOffsetReset: "earliest" as const,
        autoCommit: false,
        timeout: 2000,
      };
      const messages = await consumer.consume(request);
      expect(messages.map((m) => m.value)).toEqual(["a", "b", "c"]);

      await consumer.commit({
        consumerGroupId: group,
        instanceId: "instance-1",
        offset: { topic, partition: 0, offset: 1 },
      });
      const committed = await consumer.committed({
        consumerGroupId: group,
        instanceId: "instance-1",
        topicPartitions: [{ topic, partition: 0 }],
      });
      expect(committed).toEqual([{ topic, partition: 0, offset: 1 }]);

      await consumer.commit({ consumerGroupId: group, instanceId: "instance-1" });
      const all = await kafka.admin().committedOffsets({
        consumerGroupId: group,
        instanceId: "instance-1",
        topicPartition: { topic, partition: 0 },
      });
      expect(all).toEqual([{ topic, partition: 0, offset: 3 }]);

      await kafka.producer().produce(topic, "d");
      expect((await consumer.consume(request)).map((m) => m.value)).toEqual(["d"]);
    });

    it("lists topics, consumers and offsets, and removes an instance", async () => {
      const topic = await topicWith(3);
      const group = unique("g");
      const admin = kafka.admin();
      await kafka.producer().produce(topic, "x", { partition: 2 });
      expect((await admin.topics())[topic]).toBe(3);

      await kafka
        .consumer()
        .consume({ consumerGroupId: group, instanceId: "i", topics: [topic], timeout: 100 });
      const groups = await admin.consumers();
      expect(groups.find((g) => g.name === group)).toEqual({
        name: group,
        instances: [{ name: "i", topics: [{ topic, partitions: [0, 1, 2] }] }],
      });

      const latest = await admin.topicPartitionOffsets({
        timestamp: "latest",
        topicPartition: { topic, partition: 2 },
      });
      expect(latest).toEqual([{ topic, partition: 2, offset: 1 }]);
      const earliest = await admin.topicPartitionOffsets({
        timestamp: "earliest",
        topicPartitions: [{ topic, partition: 2 }],
      });
      expect(earliest).toEqual([{ topic, partition: 2, offset: 0 }]);
      // The client's own test passes seconds, which Kafka reads as 1970: the earliest offset.
      const bySeconds = await admin.topicPartitionOffsets({
        timestamp: Math.floor(Date.now() / 1000),
        topicPartitions: [{ topic, partition: 2 }],
      });
      expect(bySeconds).toEqual([{ topic, partition: 2, offset: 0 }]);

      await admin.removeConsumerInstance(group, "i");
      expect((await admin.consumers()).find((g) => g.name === group)).toBeUndefined();
    });
  });
}

describeUpstashClient("memory", () => ({}));

describe("@upstash/kafka errors from the proxy", () => {
  let server: RunningServer;
  let kafka: Kafka;
  beforeAll(async () => {
    server = await startNodeServer({
      UPSTASH_USERNAME: credentials.username,
      UPSTASH_PASSWORD: credentials.password,
    });
    kafka = new Kafka({ url: `${server.url}/upstash`, ...credentials });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.concurrent("rejects an unknown instance's removal with the Upstash error", async () => {
    // The client retries every failure five times over 15.5 s before it gives up.
    const error = await rejection(kafka.admin().removeConsumerInstance(unique("g"), "nobody"));
    expect(error.status).toBe(404);
    expect(error.message).toBe("Consumer instance not found.");
  });

  it.concurrent("rejects wrong credentials", async () => {
    const intruder = new Kafka({ url: `${server.url}/upstash`, username: "client", password: "guess" });
    const error = await rejection(intruder.admin().topics());
    expect(error.status).toBe(401);
  });
});
describeUpstashClient("kafka", () => ({ KAFKA_BACKEND: "kafka", KAFKA_BROKERS: inject("kafkaBrokers") }));
