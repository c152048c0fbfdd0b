import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createMemoryBackend } from "../../src/backends/memory.ts";
import { parseConfig } from "../../src/config/index.ts";
import { createJsonLogger } from "../../src/logger.ts";
import { createClickHouseSink } from "../../src/sinks/clickhouse.ts";
import { createMemoryStateStore } from "../../src/state/memory.ts";
import { clickhouseUrl, query, rows } from "../helpers/clickhouse.ts";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";
import { redisUrl } from "../helpers/redis.ts";

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const encode = (text: string) => Buffer.from(text).toString("base64");

async function produce(
  request: (path: string, init: RequestInit) => Promise<Response>,
  topic: string,
  values: string[],
) {
  const res = await request(`/topics/${topic}`, {
    method: "POST",
    headers: { "Content-Type": "application/vnd.kafka.binary.v2+json" },
    body: JSON.stringify({ records: values.map((v) => ({ value: encode(v) })) }),
  });
  expect(res.status).toBe(200);
}

describe("sink routes: GET /sinks, POST /sinks/{name}/flush (real ClickHouse 18.16)", () => {
  let url: string;
  const table = `routes_${run}`;
  const topic = `routes-${run}`;
  let app: ReturnType<typeof createApp>;
  const request = (path: string, init: RequestInit = {}) => Promise.resolve(app.request(path, init));

  beforeAll(async () => {
    url = clickhouseUrl();
    await query(url, `CREATE TABLE default.${table} (n UInt32) ENGINE = MergeTree ORDER BY n`);
    const config = parseConfig({
      SINKS: JSON.stringify([
        {
          name: "numbers",
          topics: [topic],
          clickhouse: { url, table },
          batch: { maxWaitMs: 100 },
        },
        {
          name: "missing-table",
          topics: [topic],
          clickhouse: { url, table: `nope_${run}` },
          batch: { maxWaitMs: 100 },
        },
      ]),
    });
    app = createApp({
      backend: createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 }),
      state: createMemoryStateStore(),
      config,
      logger: createJsonLogger("silent"),
      sink: createClickHouseSink({ timeoutMs: 3000 }),
    });
  });

  it("flushes a sink and shows its stats and lag, never its credentials", async () => {
    await produce(request, topic, ['{"n":1}', '{"n":2}']);
    const before = await (await request("/sinks/numbers")).json();
    expect(before).toMatchObject({
      name: "numbers",
      status: "never-run",
      group: "sink-numbers",
      table: `default.${table}`,
    });
    expect(before.lag).toEqual([{ topic, partition: 0, committed: 0, end: 2, lag: 2 }]);

    const flush = await request("/sinks/numbers/flush", { method: "POST" });
    expect(flush.status).toBe(200);
    expect(await flush.json()).toMatchObject({ sink: "numbers", outcome: "inserted", rows: 2, records: 2 });
    expect(await rows(url, `SELECT n FROM default.${table} ORDER BY n`)).toEqual([{ n: 1 }, { n: 2 }]);

    const list = await request("/sinks");
    const text = await list.text();
    expect(text).not.toContain("password");
    const numbers = JSON.parse(text).find((s: { name: string }) => s.name === "numbers");
    expect(numbers).toMatchObject({ status: "ok", rowsInserted: 2, recordsProcessed: 2, inserts: 1 });
    expect(numbers.lag).toEqual([{ topic, partition: 0, committed: 2, end: 2, lag: 0 }]);
  });

  it("answers 502 with the server's error when the insert fails, and keeps it in the stats", async () => {
    await produce(request, topic, ['{"n":3}']);
    const flush = await request("/sinks/missing-table/flush", { method: "POST" });
    expect(flush.status).toBe(502);
    const report = await flush.json();
    expect(report.outcome).toBe("failed");
    expect(report.error).toMatchObject({ retriable: false, serverCode: 60 });
    expect(report.error.message).toMatch(
      new RegExp(`^ClickHouse answered 404: Code 60: Table default.nope_${run} doesn't exist`),
    );
    const status = await (await request("/sinks/missing-table")).json();
    expect(status).toMatchObject({ status: "stopped", failedRuns: 1, lastError: { serverCode: 60 } });
  });

  it("answers 404 in the envelope for an unknown sink", async () => {
    const res = await request("/sinks/nope/flush", { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error_code: 404, message: "Sink 'nope' not found." });
  });
});

describe("the Node entry runs sinks every SINKS_INTERVAL_MS from SINKS_FILE", () => {
  let server: RunningServer;
  let dir: string;
  let url: string;
  const table = `node_${run}`;
  const topic = `node-${run}`;

  beforeAll(async () => {
    url = clickhouseUrl();
    await query(
      url,
      `CREATE TABLE default.${table} (line String, offset UInt64) ENGINE = MergeTree ORDER BY offset`,
    );
    dir = mkdtempSync(join(tmpdir(), "kep-sinks-"));
    const file = join(dir, "sinks.json");
    writeFileSync(
      file,
      JSON.stringify([
        {
          name: "lines",
          topics: [topic],
          format: "string",
          columns: { line: "$", offset: "_offset" },
          clickhouse: { url, table },
        },
      ]),
    );
    server = await startNodeServer({ SINKS_FILE: file, SINKS_INTERVAL_MS: "200" });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("inserts what is produced without a flush call, and exits cleanly on SIGTERM", async () => {
    await produce((path, init) => fetch(`${server.url}${path}`, init), topic, ["first line", "second line"]);
    let found: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 100 && found.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      found = await rows(url, `SELECT line, offset FROM default.${table} ORDER BY offset`);
    }
    expect(found).toEqual([
      { line: "first line", offset: "0" },
      { line: "second line", offset: "1" },
    ]);
    expect(await server.stop()).toBe(0);
  });
});

describe("two proxy processes sharing Redis and a Kafka broker run one sink", () => {
  const table = `shared_${run}`;
  const topic = `shared-${run}`;
  let url: string;
  let servers: RunningServer[] = [];

  beforeAll(async () => {
    url = clickhouseUrl();
    await query(url, `CREATE TABLE default.${table} (n UInt32, offset UInt64) ENGINE = MergeTree ORDER BY n`);
    const env = {
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: inject("kafkaBrokers"),
      STATE_STORE: redisUrl(),
      STATE_KEY_PREFIX: `kep-sinks-${run}:`,
      SINKS: JSON.stringify([
        {
          name: "shared",
          topics: [topic],
          columns: { n: "$.n", offset: "_offset" },
          clickhouse: { url, table },
          batch: { maxRows: 3, maxWaitMs: 1500 },
        },
      ]),
    };
    servers = await Promise.all([startNodeServer(env), startNodeServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const flush = (server: RunningServer) => fetch(`${server.url}/sinks/shared/flush`, { method: "POST" });

  it("lets one run at a time hold the sink, so no range is inserted twice", async () => {
    const created = await fetch(`${servers[0].url}/v3/clusters`);
    const clusterId = (await created.json()).data[0].cluster_id;
    const topicCreated = await fetch(`${servers[0].url}/v3/clusters/${clusterId}/topics`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ topic_name: topic, partitions_count: 1 }),
    });
    expect(topicCreated.status).toBe(201);
    // Nothing to read: the first run waits maxWaitMs holding the lease, the other finds it taken.
    const idle = await Promise.all(servers.map(flush));
    expect(idle.map((r) => r.status).sort()).toEqual([200, 409]);

    await produce((path, init) => fetch(`${servers[1].url}${path}`, init), topic, [
      ...Array.from({ length: 10 }, (_, n) => JSON.stringify({ n })),
    ]);
    for (let round = 0; round < 10; round++) {
      const reports = await Promise.all([...servers, ...servers].map(async (s) => (await flush(s)).json()));
      if (reports.every((r) => r.outcome === "idle" || r.outcome === "busy")) break;
    }
    expect(
      await rows(
        url,
        `SELECT count() AS c, uniqExact(offset) AS distinct, sum(n) AS total FROM default.${table}`,
      ),
    ).toEqual([{ c: "10", distinct: "10", total: "45" }]);
    const status = await (await fetch(`${servers[0].url}/sinks/shared`)).json();
    expect(status).toMatchObject({ rowsInserted: 10, lag: [{ lag: 0 }] });
  });
});
