import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkajsBackend } from "../../src/backends/kafkajs.ts";
import type { KafkaBackend, KafkaRecord } from "../../src/backends/types.ts";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";
import { redisUrl } from "../helpers/redis.ts";

/**
 * Webhook ingest end to end: two real Node proxies on the real Kafka broker, sharing one Redis
 * for the replay memory, receive GitHub- and Stripe-style signed deliveries over HTTP. Records
 * are read back from Kafka by a separate kafkajs client in the test process.
 */
describe("webhook ingest (real Kafka, real Redis, two proxy processes)", () => {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const githubTopic = `gh-${run}`;
  const stripeTopic = `stripe-${run}`;
  const GITHUB_SECRET = `gh-secret-${run}`;
  const STRIPE_SECRET = `whsec_${run}`;
  let a: RunningServer;
  let b: RunningServer;
  let kafka: KafkaBackend;

  // Multi-byte characters, a CR LF and no trailing newline: any re-encoding would change the bytes.
  const PUSH = `{"ref":"refs/heads/main",\r\n  "repository":{"full_name":"octo/héllo-✓"},"after":"6113728f"}`;

  const sign = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("hex");

  function deliverGithub(server: RunningServer, body: string, delivery: string, signedBody = body) {
    return fetch(`${server.url}/webhooks/github`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/e2e",
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": `sha256=${sign(GITHUB_SECRET, signedBody)}`,
      },
      body,
    });
  }

  async function recordsOf(topic: string): Promise<KafkaRecord[]> {
    const [end] = await kafka.partitionOffsets([{ topic, partition: 0 }]);
    if (end.end === 0) return [];
    const [fetched] = await kafka.fetch([{ topic, partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 1000,
    });
    return fetched.records;
  }

  beforeAll(async () => {
    kafka = createKafkajsBackend({
      brokers: inject("kafkaBrokers").split(","),
      clientId: "kep-webhooks-e2e",
    });
    await kafka.createTopic({ topic: githubTopic, partitions: 1 });
    await kafka.createTopic({ topic: stripeTopic, partitions: 1 });
    const webhooks = [
      {
        name: "github",
        topic: githubTopic,
        secret: GITHUB_SECRET,
        signature: { scheme: "github" },
        key: { jsonPath: "$.repository.full_name" },
        keepHeaders: ["X-GitHub-Event", "X-GitHub-Delivery"],
        replay: { header: "X-GitHub-Delivery", windowSeconds: 600 },
      },
      {
        name: "stripe",
        topic: stripeTopic,
        secret: STRIPE_SECRET,
        signature: { scheme: "stripe", toleranceSeconds: 300 },
        replay: { jsonPath: "$.id", windowSeconds: 600 },
      },
    ];
    const env = {
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: inject("kafkaBrokers"),
      AUTO_CREATE_TOPICS: "false",
      STATE_STORE: redisUrl(),
      STATE_KEY_PREFIX: `webhooks-${run}:`,
      WEBHOOKS: JSON.stringify(webhooks),
    };
    [a, b] = await Promise.all([startNodeServer(env), startNodeServer(env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await kafka?.close();
  });

  it("accepts a signed GitHub delivery once: the body byte for byte, the kept headers, the key", async () => {
    const res = await deliverGithub(a, PUSH, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ topic: githubTopic, partition: 0, offset: 0, duplicate: false });

    const [record, ...more] = await recordsOf(githubTopic);
    expect(more).toEqual([]);
    expect(Buffer.from(record.value ?? new Uint8Array()).equals(Buffer.from(PUSH, "utf8"))).toBe(true);
    expect(Buffer.from(record.key ?? new Uint8Array()).toString()).toBe("octo/héllo-✓");
    expect(record.headers.map((h) => [h.key, Buffer.from(h.value ?? new Uint8Array()).toString()])).toEqual([
      ["X-GitHub-Event", "push"],
      ["X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"],
    ]);
  });

  it("drops the replayed delivery id, also when the other process receives it (200, duplicate)", async () => {
    for (const server of [b, a]) {
      const res = await deliverGithub(server, PUSH, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ topic: githubTopic, partition: 0, offset: 0, duplicate: true });
    }
    expect(await recordsOf(githubTopic)).toHaveLength(1);
  });

  it("rejects a tampered body with 401 and produces nothing", async () => {
    const tampered = PUSH.replace("6113728f", "deadbeef");
    const res = await deliverGithub(a, tampered, "fresh-delivery-id", PUSH);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error_code: 401,
      message: "Webhook signature rejected: the signature does not match the body.",
    });
    expect(await recordsOf(githubTopic)).toHaveLength(1);
  });

  it("produces concurrent deliveries of one new id once, whichever process gets them", async () => {
    const answers = await Promise.all(
      [a, b, a, b].map((server) => deliverGithub(server, PUSH, "concurrent-delivery")),
    );
    const bodies = await Promise.all(answers.map((res) => res.json()));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    expect(bodies.filter((body) => !body.duplicate)).toHaveLength(1);
    expect(new Set(bodies.map((body) => body.offset))).toEqual(new Set([1]));
    expect(await recordsOf(githubTopic)).toHaveLength(2);
  });

  it("accepts a fresh Stripe signature and rejects a stale one with 401", async () => {
    const event = '{"id":"evt_e2e","type":"invoice.paid"}';
    const stripe = (timestamp: number) =>
      fetch(`${b.url}/webhooks/stripe`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Stripe-Signature": `t=${timestamp},v1=${sign(STRIPE_SECRET, `${timestamp}.${event}`)}`,
        },
        body: event,
      });
    const now = Math.floor(Date.now() / 1000);
    const stale = await stripe(now - 3600);
    expect(stale.status).toBe(401);
    expect((await stale.json()).message).toMatch(
      /^Webhook signature rejected: the signed timestamp is 36\d\d s away/,
    );
    expect(await recordsOf(stripeTopic)).toEqual([]);

    const fresh = await stripe(now);
    expect(await fresh.json()).toEqual({ topic: stripeTopic, partition: 0, offset: 0, duplicate: false });
    expect(Buffer.from((await recordsOf(stripeTopic))[0].value ?? new Uint8Array()).toString()).toBe(event);
  });
});
