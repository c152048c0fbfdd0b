import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { base64 } from "../helpers/app.ts";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";
import { redisUrl } from "../helpers/redis.ts";

const V2 = "application/vnd.kafka.v2+json";
const headers = { "Content-Type": V2, Accept: V2 };

/**
 * The reason this project exists: a consumer instance is not tied to the process that created it.
 * Two separate proxy processes on the real Kafka broker share one Redis; the instance is created on
 * one, used through both, survives the SIGKILL of its creator and is found again after a restart.
 */
describe("stateless consumer instances across processes (real Kafka, real Redis)", () => {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const topic = `stateless-${run}`;
  const group = `stateless-group-${run}`;
  const instance = `${group}/instances/c1`;
  let env: Record<string, string>;
  let a: RunningServer;
  let b: RunningServer;

  const call = (server: RunningServer, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function produceValues(server: RunningServer, values: string[]): Promise<void> {
    const res = await fetch(`${server.url}/topics/${topic}`, {
      method: "POST",
      headers: { "Content-Type": "application/vnd.kafka.binary.v2+json", Accept: V2 },
      body: JSON.stringify({ records: values.map((v) => ({ key: base64(v), value: base64(v) })) }),
    });
    expect(res.status).toBe(200);
    const { offsets } = await res.json();
    expect(offsets.every((o: { error_code: number | null }) => o.error_code === null)).toBe(true);
  }

  async function read(server: RunningServer): Promise<string[]> {
    const res = await fetch(`${server.url}/consumers/${instance}/records?timeout=1500`, {
      headers: { Accept: "application/vnd.kafka.binary.v2+json" },
    });
    expect(res.status).toBe(200);
    return (await res.json()).map((r: { value: string }) => Buffer.from(r.value, "base64").toString());
  }

  async function readUntil(servers: RunningServer[], count: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 40 && seen.length < count; i++)
      seen.push(...(await read(servers[i % servers.length])));
    return seen;
  }

  beforeAll(async () => {
    env = {
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: inject("kafkaBrokers"),
      STATE_STORE: redisUrl(),
      STATE_KEY_PREFIX: `stateless-${run}:`,
    };
    [a, b] = await Promise.all([startNodeServer(env), startNodeServer(env)]);
    const clusters = await (await fetch(`${a.url}/v3/clusters`)).json();
    const created = await fetch(`${a.url}/v3/clusters/${clusters.data[0].cluster_id}/topics`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ topic_name: topic, partitions_count: 3 }),
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("creates on A, subscribes on B, reads through both, survives A's death and restart", async () => {
    const produced = Array.from({ length: 30 }, (_, i) => `r${i}`);
    await produceValues(b, produced);

    const created = await call(a, "POST", `/consumers/${group}`, {
      name: "c1",
      format: "binary",
      "auto.offset.reset": "earliest",
      "auto.commit.enable": "false",
    });
    expect(created.status).toBe(200);
    expect((await call(b, "POST", `/consumers/${instance}/subscription`, { topics: [topic] })).status).toBe(
      204,
    );

    const seen = await readUntil([a, b], produced.length);
    expect(seen.sort()).toEqual([...produced].sort());

    expect((await call(b, "POST", `/consumers/${instance}/offsets`)).status).toBe(200);

    expect(await a.stop("SIGKILL")).toBe(null);
    const more = Array.from({ length: 10 }, (_, i) => `after-kill-${i}`);
    await produceValues(b, more);
    expect((await readUntil([b], more.length)).sort()).toEqual([...more].sort());

    a = await startNodeServer(env);
    const subscription = await (await call(a, "GET", `/consumers/${instance}/subscription`)).json();
    expect(subscription).toEqual({ topics: [topic] });
    const { offsets } = await (await call(a, "GET", `/consumers/${instance}/offsets`)).json();
    expect(offsets.reduce((sum: number, o: { offset: number }) => sum + o.offset, 0)).toBe(produced.length);

    expect(await read(a)).toEqual([]);
    await produceValues(b, ["after-restart"]);
    expect(await readUntil([a], 1)).toEqual(["after-restart"]);
  });
});
