import { describe, expect, it } from "vitest";
import { createMemoryBackend } from "../../../src/backends/memory.ts";
import { ProxyError } from "../../../src/errors.ts";
import { describeKafkaBackend } from "../../contract/kafka-backend.ts";

describeKafkaBackend("memory", async () => {
  const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 });
  return { backend, close: () => backend.close() };
});

const value = (text: string) => ({ key: null, value: new TextEncoder().encode(text) });

describe("memory backend specifics", () => {
  it("creates a topic on first produce with DEFAULT_PARTITIONS partitions", async () => {
    const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 4 });
    await backend.produce("fresh", [value("x")]);
    expect((await backend.describeTopic("fresh"))?.partitions).toHaveLength(4);
  });

  it("refuses to produce to a missing topic with 40401 when auto-creation is off", async () => {
    const backend = createMemoryBackend({ autoCreateTopics: false, defaultPartitions: 1 });
    await expect(backend.produce("nope", [value("x")])).rejects.toMatchObject({ code: 40401 });
    expect(await backend.listTopics()).toEqual([]);
  });

  it("fails a record over max.message.bytes on its own, not the batch", async () => {
    const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1, maxRecordBytes: 10 });
    const results = await backend.produce("sizes", [value("small"), value("far too large for it")]);
    expect(results[0]).toMatchObject({ ok: true, offset: 0 });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: "too-large", retriable: false } });
  });

  it("refuses a replication factor above its single broker", async () => {
    const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 });
    const error = await backend
      .createTopic({ topic: "r3", partitions: 1, replicationFactor: 3 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error.message).toMatch(/Replication factor: 3 larger than available brokers: 1/);
  });

  it("stamps records with the write time when none is given", async () => {
    const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1, now: () => 42 });
    const [result] = await backend.produce("clock", [value("x")]);
    expect(result).toMatchObject({ ok: true, timestamp: 42 });
  });

  it("ends a waiting fetch when its signal aborts", async () => {
    const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 });
    await backend.createTopic({ topic: "abort", partitions: 1 });
    const controller = new AbortController();
    const fetching = backend.fetch([{ topic: "abort", partition: 0, offset: 0 }], {
      maxBytes: 100,
      maxWaitMs: 60_000,
      signal: controller.signal,
    });
    controller.abort();
    const [partition] = await fetching;
    expect(partition.records).toEqual([]);
  });
});
