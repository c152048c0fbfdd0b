/**
 * A broker restart under traffic, on a private broker (own free ports and data dir, started and
 * wiped by this file) so that no other test file — or another test run — sees the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkajsBackend } from "../../src/backends/kafkajs.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import { ProxyError } from "../../src/errors.ts";
import { type PrivateBroker, startPrivateBroker } from "./kafka-broker.ts";

const bytes = (value: string) => new TextEncoder().encode(value);
const text = (data: Uint8Array | null) => (data === null ? null : new TextDecoder().decode(data));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  value: string;
  /** Where the broker acknowledged it; undefined when the produce failed. */
  at?: { partition: number; offset: number };
  error?: { code: number; retriable: boolean };
}

describe("kafka backend across a broker restart", () => {
  let broker: PrivateBroker;
  let backend: KafkaBackend;
  const topic = "restart-traffic";
  const idle = "restart-idle";

  beforeAll(async () => {
    broker = await startPrivateBroker();
    backend = createKafkajsBackend({
      brokers: [broker.brokers],
      clientId: "kep-restart",
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 10_000,
      retries: 2,
      retryBackoffMs: 100,
    });
    await backend.createTopic({ topic, partitions: 2 });
    await backend.createTopic({ topic: idle, partitions: 1 });
  });

  afterAll(async () => {
    await backend?.close();
    await broker?.stop();
  });

  it("fails in-flight requests as retriable, recovers without a new backend and loses no acknowledged record", async () => {
    const outcomes: Outcome[] = [];
    let sequence = 0;
    let stop = false;
    const producer = async () => {
      while (!stop) {
        const values = Array.from({ length: 5 }, () => `v-${sequence++}`);
        try {
          const results = await backend.produce(
            topic,
            values.map((value) => ({ key: null, value: bytes(value) })),
          );
          results.forEach((result, i) => {
            if (result.ok)
              outcomes.push({ value: values[i], at: { partition: result.partition, offset: result.offset } });
            else
              outcomes.push({
                value: values[i],
                error: { code: result.error.retriable ? 50003 : 50002, retriable: result.error.retriable },
              });
          });
        } catch (error) {
          const e = error as ProxyError;
          for (const value of values)
            outcomes.push({ value, error: { code: e.code, retriable: e.retriable } });
          await sleep(50);
        }
      }
    };
    const traffic = [producer(), producer()];

    await sleep(500);
    // A fetch waiting on the broker while it goes down.
    const waiting = backend
      .fetch([{ topic: idle, partition: 0, offset: 0 }], { maxBytes: 1024, maxWaitMs: 30_000 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await sleep(200);
    await broker.restart();
    const inFlight = await waiting;
    const beforeRecovery = outcomes.length;

    // Later requests succeed on the same backend once the broker is back.
    const deadline = Date.now() + 60_000;
    let okAfterRestart = 0;
    while (okAfterRestart < 20 && Date.now() < deadline) {
      await sleep(100);
      okAfterRestart = outcomes.slice(beforeRecovery).filter((o) => o.at).length;
    }
    stop = true;
    await Promise.all(traffic);

    expect(okAfterRestart).toBeGreaterThanOrEqual(20);
    const failures = outcomes.filter((o) => o.error);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.error).toMatchObject({ code: 50003, retriable: true });
    expect(inFlight).toBeInstanceOf(ProxyError);
    expect(inFlight).toMatchObject({ code: 50003, retriable: true });

    // Every acknowledged record is in the log, at the offset the broker acknowledged.
    const stored = new Map<string, string | null>();
    for (const partition of [0, 1]) {
      let offset = 0;
      for (;;) {
        const [read] = await backend.fetch([{ topic, partition, offset }], {
          maxBytes: 4 << 20,
          maxWaitMs: 0,
        });
        if (read.records.length === 0) break;
        for (const record of read.records) stored.set(`${partition}:${record.offset}`, text(record.value));
        offset = read.records[read.records.length - 1].offset + 1;
      }
    }
    const acknowledged = outcomes.filter((o) => o.at);
    const lost = acknowledged.filter((o) => stored.get(`${o.at?.partition}:${o.at?.offset}`) !== o.value);
    expect(acknowledged.length).toBeGreaterThan(20);
    expect(lost).toEqual([]);
  });
});
