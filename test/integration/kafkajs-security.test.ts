/**
 * Authentication, authorization and TLS against a private broker that has them (SASL PLAIN and
 * SCRAM users, an authorizer without ACLs, a self-signed TLS listener): the settings reach kafkajs,
 * and Kafka's refusals come back as 40101 and 40301.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkajsBackend, type KafkajsBackendOptions } from "../../src/backends/kafkajs.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { rejection } from "../helpers/errors.ts";
import { SECURE_USERS, type SecureBroker, startSecureBroker } from "./kafka-broker.ts";

const bytes = (value: string) => new TextEncoder().encode(value);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));

describe("kafka backend with SASL, ACLs and TLS", () => {
  let broker: SecureBroker;
  const opened: KafkaBackend[] = [];
  const topic = "secured";

  const open = (options: Omit<KafkajsBackendOptions, "brokers"> & { brokers?: string[] }) => {
    const backend = createKafkajsBackend({
      brokers: [broker.sasl],
      connectionTimeoutMs: 2000,
      retries: 1,
      ...options,
    });
    opened.push(backend);
    return backend;
  };
  const user = (
    name: keyof typeof SECURE_USERS,
    mechanism: "plain" | "scram-sha-256" | "scram-sha-512" = "plain",
  ) => open({ sasl: { mechanism, username: name, password: SECURE_USERS[name] } });

  beforeAll(async () => {
    broker = await startSecureBroker();
    await user("alice").createTopic({ topic, partitions: 1 });
  });
  afterAll(async () => {
    await Promise.all(opened.map((b) => b.close()));
    await broker?.stop();
  });

  it("produces and fetches with SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512", async () => {
    const users = [user("alice"), user("carol", "scram-sha-256"), user("dave", "scram-sha-512")];
    for (const [i, backend] of users.entries()) {
      const [result] = await backend.produce(topic, [{ key: null, value: bytes(`from ${i}`) }]);
      expect(result).toMatchObject({ ok: true, offset: i });
    }
    const [read] = await users[2].fetch([{ topic, partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(read.records.map((r) => text(r.value))).toEqual(["from 0", "from 1", "from 2"]);
  });

  it("answers 40101 for a wrong password, without retrying and without echoing it", async () => {
    const backend = open({ sasl: { mechanism: "plain", username: "alice", password: "not-her-password" } });
    const error = await rejection(backend.describeCluster());
    expect(error).toMatchObject({ code: 40101, retriable: false });
    expect(error.message).not.toContain("not-her-password");
    const scram = open({ sasl: { mechanism: "scram-sha-512", username: "dave", password: "wrong" } });
    expect((await rejection(scram.produce(topic, [{ key: null, value: null }]))).code).toBe(40101);
  });

  it("answers 40301 when the user may not use the topic", async () => {
    const bob = user("bob");
    expect((await rejection(bob.produce(topic, [{ key: null, value: bytes("x") }]))).code).toBe(40301);
    expect(
      (await rejection(bob.fetch([{ topic, partition: 0, offset: 0 }], { maxBytes: 100, maxWaitMs: 0 })))
        .code,
    ).toBe(40301);
    expect((await rejection(bob.createTopic({ topic: "bobs-own", partitions: 1 }))).code).toBe(40301);
  });

  it("connects over TLS when the broker's CA is given, and not without it", async () => {
    const trusted = open({ brokers: [broker.tls], tls: { ca: broker.caPem } });
    const cluster = await trusted.describeCluster();
    expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toContain(broker.tls);
    const [result] = await trusted.produce(topic, [{ key: null, value: bytes("over tls") }]);
    expect(result.ok).toBe(true);

    const untrusted = open({ brokers: [broker.tls], tls: true });
    expect((await rejection(untrusted.describeCluster())).code).toBe(50003);
  });
});
