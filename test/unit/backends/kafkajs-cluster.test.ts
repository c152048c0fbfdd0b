import kafkajs from "kafkajs";
import { describe, expect, it, vi } from "vitest";
import { createClusterClient, withRetries } from "../../../src/backends/kafkajs-cluster.ts";
import type { BrokerConnection, DecodedMetadata } from "../../../src/backends/kafkajs-protocol.ts";
import { ProxyError } from "../../../src/errors.ts";

const BROKERS = [{ nodeId: 1, host: "127.0.0.1", port: 9092, rack: null }];

function metadataOf(topics: Array<{ name: string; error?: number; partitions?: number }>): DecodedMetadata {
  return {
    brokers: BROKERS,
    clusterId: "cluster-1",
    controllerId: 1,
    topicMetadata: topics.map(({ name, error = 0, partitions = 1 }) => ({
      topicErrorCode: error,
      topic: name,
      isInternal: false,
      partitionMetadata:
        error === 0
          ? Array.from({ length: partitions }, (_, p) => ({
              partitionErrorCode: 0,
              partitionId: p,
              leader: 1,
              replicas: [1],
              isr: [1],
            }))
          : [],
    })),
  };
}

/** A broker connection whose requests are the given functions; everything else fails the test. */
function fakeConnection(handlers: Partial<BrokerConnection>): BrokerConnection {
  const unexpected = () => {
    throw new Error("unexpected request");
  };
  return {
    host: "127.0.0.1",
    port: 9092,
    isConnected: () => true,
    connect: async () => {},
    disconnect: async () => {},
    metadata: unexpected,
    produce: unexpected,
    fetch: unexpected,
    listOffsets: unexpected,
    offsetCommit: unexpected,
    offsetFetch: unexpected,
    findCoordinator: unexpected,
    createTopics: unexpected,
    deleteTopics: unexpected,
    describeConfigs: unexpected,
    ...handlers,
  };
}

function clientWith(connection: BrokerConnection, clock = { now: 0 }) {
  return createClusterClient({
    connector: { bootstrap: async () => connection, connect: async () => connection },
    metadataTtlMs: 5000,
    retries: 2,
    retryBackoffMs: 1,
    allowAutoTopicCreation: true,
    settleTimeoutMs: 2000,
    maxFetchConnections: 2,
    now: () => clock.now,
  });
}

describe("cluster client: topic metadata", () => {
  it("reuses a topic's metadata for the TTL and asks the broker again after it", async () => {
    const metadata = vi.fn(async () => metadataOf([{ name: "t", partitions: 3 }]));
    const clock = { now: 0 };
    const client = clientWith(fakeConnection({ metadata }), clock);
    expect((await client.topic("t"))?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    clock.now = 4000;
    await client.topic("t");
    expect(metadata).toHaveBeenCalledTimes(1);
    clock.now = 6000;
    await client.topic("t");
    expect(metadata).toHaveBeenCalledTimes(2);
  });

  it("does not remember that a topic is missing", async () => {
    let exists = false;
    const metadata = vi.fn(async () => metadataOf([{ name: "t", error: exists ? 0 : 3 }]));
    const client = clientWith(fakeConnection({ metadata }));
    expect(await client.topic("t")).toBeUndefined();
    exists = true;
    expect(await client.topic("t")).toBeDefined();
  });

  it("answers at once when the broker does not auto-create topics", async () => {
    const metadata = vi.fn(async () => metadataOf([{ name: "t", error: 3 }]));
    const describeConfigs = vi.fn(async () => ({
      resources: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 4,
          resourceName: "1",
          configEntries: [
            { configName: "auto.create.topics.enable", configValue: "false", isSensitive: false },
          ],
        },
      ],
    }));
    const client = clientWith(fakeConnection({ metadata, describeConfigs }));
    expect(await client.topic("t", { autoCreate: true })).toBeUndefined();
    expect(metadata).toHaveBeenCalledTimes(1);
    expect(metadata).toHaveBeenCalledWith(["t"], true);
  });

  it("waits for a topic the broker is auto-creating", async () => {
    let calls = 0;
    const metadata = vi.fn(async () => metadataOf([{ name: "t", error: calls++ < 2 ? 3 : 0 }]));
    const describeConfigs = vi.fn(async () => ({
      resources: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 4,
          resourceName: "1",
          configEntries: [
            { configName: "auto.create.topics.enable", configValue: "true", isSensitive: false },
          ],
        },
      ],
    }));
    const clock = { now: 0 };
    const client = clientWith(fakeConnection({ metadata, describeConfigs }), clock);
    expect(await client.topic("t", { autoCreate: true })).toMatchObject({ name: "t" });
    expect(metadata).toHaveBeenCalledTimes(3);
  });

  it("never asks for auto-creation when the proxy does not allow it", async () => {
    const metadata = vi.fn(async () => metadataOf([{ name: "t", error: 3 }]));
    const client = createClusterClient({
      connector: {
        bootstrap: async () => fakeConnection({ metadata }),
        connect: async () => fakeConnection({}),
      },
      metadataTtlMs: 5000,
      retries: 0,
      retryBackoffMs: 1,
      allowAutoTopicCreation: false,
      settleTimeoutMs: 2000,
      maxFetchConnections: 2,
    });
    expect(await client.topic("t", { autoCreate: true })).toBeUndefined();
    expect(metadata).toHaveBeenCalledWith(["t"], false);
  });

  it("raises 40301 when the topic is not authorized", async () => {
    const metadata = vi.fn(async () => metadataOf([{ name: "t", error: 29 }]));
    const client = clientWith(fakeConnection({ metadata }));
    await expect(client.topic("t")).rejects.toMatchObject({ code: 40301 });
  });

  it("retries a request after a connection error", async () => {
    let calls = 0;
    const metadata = vi.fn(async () => {
      if (calls++ === 0) throw new kafkajs.KafkaJSConnectionError("Connection error: read ECONNRESET");
      return metadataOf([{ name: "t" }]);
    });
    const client = clientWith(fakeConnection({ metadata }));
    expect(await client.topic("t")).toBeDefined();
    expect(metadata).toHaveBeenCalledTimes(2);
  });
});

describe("withRetries", () => {
  it("retries retriable errors up to the limit and nothing else", async () => {
    const retriable = vi.fn(async () => {
      throw new ProxyError(50003, "down");
    });
    await expect(withRetries(retriable, { retries: 2, backoffMs: 1 })).rejects.toMatchObject({ code: 50003 });
    expect(retriable).toHaveBeenCalledTimes(3);

    const fatal = vi.fn(async () => {
      throw new ProxyError(40401, "missing");
    });
    await expect(withRetries(fatal, { retries: 2, backoffMs: 1 })).rejects.toMatchObject({ code: 40401 });
    expect(fatal).toHaveBeenCalledTimes(1);
  });
});
