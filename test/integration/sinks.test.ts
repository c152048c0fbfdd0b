import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkajsBackend } from "../../src/backends/kafkajs.ts";
import { createMemoryBackend } from "../../src/backends/memory.ts";
import type { KafkaBackend } from "../../src/backends/types.ts";
import type { SinkContext } from "../../src/core/sinks/context.ts";
import { parseSinkDefinitions, type SinkDefinition } from "../../src/core/sinks/definition.ts";
import { runSink } from "../../src/core/sinks/run.ts";
import { runAllSinks } from "../../src/core/sinks/service.ts";
import { readStats } from "../../src/core/sinks/stats.ts";
import { kafkaError } from "../../src/errors.ts";
import { createClickHouseSink } from "../../src/sinks/clickhouse.ts";
import { createMemoryStateStore } from "../../src/state/memory.ts";
import { clickhouseUrl, insertsInto, privateClickHouse, query, rows } from "../helpers/clickhouse.ts";

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;
const unique = (label: string) => `${label}_${run}_${counter++}`;
const bytes = (text: string) => new TextEncoder().encode(text);

function definition(url: string, table: string, topic: string, extra: Record<string, unknown> = {}) {
  const parsed = parseSinkDefinitions([
    {
      name: table,
      topics: [topic],
      clickhouse: { url, table },
      batch: { maxWaitMs: 200 },
      ...extra,
    },
  ]);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return parsed.sinks[0];
}

async function drain(ctx: SinkContext, sink: SinkDefinition) {
  const reports = [];
  for (let i = 0; i < 20; i++) {
    const report = await runSink(ctx, sink);
    reports.push(report);
    if (report.outcome !== "inserted") break;
  }
  return reports;
}

const backends: Array<[string, () => KafkaBackend]> = [
  ["memory", () => createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 })],
  [
    "kafka",
    () => createKafkajsBackend({ brokers: inject("kafkaBrokers").split(","), clientId: "kep-sinks-test" }),
  ],
];

describe.each(backends)(
  "ClickHouse sink runs on the %s backend (real clickhouse-server 18.16)",
  (_, open) => {
    let url: string;
    let backend: KafkaBackend;
    let ctx: SinkContext;

    beforeAll(() => {
      url = clickhouseUrl();
      backend = open();
      ctx = {
        backend,
        store: createMemoryStateStore(),
        sink: createClickHouseSink({ timeoutMs: 5000 }),
        now: Date.now,
        leaseMs: 60_000,
      };
    });
    afterAll(() => backend.close());

    it("inserts rows with mapped columns and the Kafka engine's virtual columns, then commits", async () => {
      const topic = unique("sink-columns");
      const table = unique("columns");
      await backend.createTopic({ topic, partitions: 2 });
      await query(
        url,
        `CREATE TABLE default.${table} (id UInt32, name String, tag String, topic String, partition UInt64,
        offset UInt64, key String, ts DateTime, ts_ms UInt64, hname Array(String), hvalue Array(String))
        ENGINE = MergeTree ORDER BY (topic, partition, offset)`,
      );
      await backend.produce(topic, [
        {
          partition: 0,
          key: bytes("k1"),
          value: bytes(JSON.stringify({ id: 1, user: { name: "ann" }, tags: ["a", "b"] })),
          headers: [{ key: "source", value: bytes("web") }],
          timestamp: 1_700_000_000_123,
        },
        {
          partition: 1,
          key: null,
          value: bytes(JSON.stringify({ id: 2, user: { name: "bob" } })),
          timestamp: 1_700_000_001_000,
        },
        {
          partition: 1,
          key: bytes("k3"),
          value: bytes(JSON.stringify({ id: 3, user: {} })),
          timestamp: 1_700_000_002_000,
        },
      ]);
      const sink = definition(url, table, topic, {
        columns: {
          id: "$.id",
          name: "$.user.name",
          tag: "$.tags[1]",
          topic: "_topic",
          partition: "_partition",
          offset: "_offset",
          key: "_key",
          ts: "_timestamp",
          ts_ms: "_timestamp_ms",
          hname: "_headers.name",
          hvalue: "_headers.value",
        },
      });

      const report = await runSink(ctx, sink);
      expect(report).toMatchObject({
        outcome: "inserted",
        records: 3,
        rows: 3,
        skipped: 0,
        deduplicated: false,
      });
      expect(report.ranges).toEqual([
        { topic, partition: 0, first: 0, last: 0 },
        { topic, partition: 1, first: 0, last: 1 },
      ]);
      expect(
        await rows(
          url,
          `SELECT id, name, tag, topic, partition, offset, key, toUnixTimestamp(ts) AS ts, ts_ms, hname, hvalue
         FROM default.${table} ORDER BY id`,
        ),
      ).toEqual([
        {
          id: 1,
          name: "ann",
          tag: "b",
          topic,
          partition: "0",
          offset: "0",
          key: "k1",
          ts: 1_700_000_000,
          ts_ms: "1700000000123",
          hname: ["source"],
          hvalue: ["web"],
        },
        {
          id: 2,
          name: "bob",
          tag: "",
          topic,
          partition: "1",
          offset: "0",
          key: "",
          ts: 1_700_000_001,
          ts_ms: "1700000001000",
          hname: [],
          hvalue: [],
        },
        {
          id: 3,
          name: "",
          tag: "",
          topic,
          partition: "1",
          offset: "1",
          key: "k3",
          ts: 1_700_000_002,
          ts_ms: "1700000002000",
          hname: [],
          hvalue: [],
        },
      ]);
      const committed = await backend.committedOffsets(sink.group, [
        { topic, partition: 0 },
        { topic, partition: 1 },
      ]);
      expect(committed.map((c) => [c.partition, c.offset]).sort()).toEqual([
        [0, 1],
        [1, 2],
      ]);
      expect((await runSink(ctx, sink)).outcome).toBe("idle");
      const stats = await readStats(ctx.store, sink.name);
      expect(stats).toMatchObject({
        status: "ok",
        recordsProcessed: 3,
        rowsInserted: 3,
        inserts: 1,
        runs: 2,
      });
    });

    it("holds maxRows and maxBytes: one INSERT per run, counted by the server", async () => {
      const topic = unique("sink-limits");
      const table = unique("limits");
      await backend.createTopic({ topic, partitions: 1 });
      await query(url, `CREATE TABLE default.${table} (n UInt32, pad String) ENGINE = MergeTree ORDER BY n`);
      const pad = "x".repeat(90);
      await backend.produce(
        topic,
        Array.from({ length: 25 }, (_, n) => ({ key: null, value: bytes(JSON.stringify({ n, pad })) })),
      );

      const byRows = await drain(
        ctx,
        definition(url, table, topic, { batch: { maxRows: 10, maxWaitMs: 200 } }),
      );
      expect(byRows.map((r) => r.rows)).toEqual([10, 10, 5, 0]);
      expect(await insertsInto(url, `default.${table}`)).toBe(3);

      const second = unique("limits");
      await query(url, `CREATE TABLE default.${second} (n UInt32, pad String) ENGINE = MergeTree ORDER BY n`);
      // Each value is about 105 bytes: 1024 bytes hold 9 of them.
      const byBytes = await drain(
        ctx,
        definition(url, second, topic, { batch: { maxBytes: 1024, maxWaitMs: 200 } }),
      );
      expect(byBytes.map((r) => r.rows)).toEqual([9, 9, 7, 0]);
      expect(await insertsInto(url, `default.${second}`)).toBe(3);
      const [count] = await rows(url, `SELECT count() AS c, uniqExact(n) AS distinct FROM default.${second}`);
      expect(count).toEqual({ c: "25", distinct: "25" });
    });

    it("skips broken records up to the limit into the dead-letter topic, and stops beyond it", async () => {
      const topic = unique("sink-broken");
      const deadLetterTopic = unique("sink-dlq");
      const table = unique("broken");
      await backend.createTopic({ topic, partitions: 1 });
      await backend.createTopic({ topic: deadLetterTopic, partitions: 1 });
      await query(url, `CREATE TABLE default.${table} (n UInt32) ENGINE = MergeTree ORDER BY n`);
      const values = ['{"n":1}', "not json", '{"n":2}', '{"n":', '{"n":3}'];
      await backend.produce(
        topic,
        values.map((v) => ({ key: bytes(v), value: bytes(v) })),
      );
      const sink = definition(url, table, topic, { skipBrokenRecords: 2, deadLetterTopic });

      expect(await runSink(ctx, sink)).toMatchObject({
        outcome: "inserted",
        records: 5,
        rows: 3,
        skipped: 2,
      });
      expect(await rows(url, `SELECT n FROM default.${table} ORDER BY n`)).toEqual([
        { n: 1 },
        { n: 2 },
        { n: 3 },
      ]);
      const [dlq] = await backend.fetch([{ topic: deadLetterTopic, partition: 0, offset: 0 }], {
        maxBytes: 1 << 20,
        maxWaitMs: 2000,
      });
      const decoder = new TextDecoder();
      expect(dlq.records.map((r) => decoder.decode(r.value as Uint8Array))).toEqual(["not json", '{"n":']);
      const header = (name: string, i: number) =>
        decoder.decode(dlq.records[i].headers.find((h) => h.key === name)?.value as Uint8Array);
      expect(header("x-sink-error", 0)).toMatch(/^the value is not valid JSON: /);
      expect(header("x-sink-source", 1)).toBe(`${topic}-0@3`);
      expect(header("x-sink-name", 1)).toBe(sink.name);

      await backend.produce(
        topic,
        ["{", '{"n":4}', "[", "}"].map((v) => ({ key: null, value: bytes(v) })),
      );
      const stopped = await runSink(ctx, sink);
      expect(stopped.outcome).toBe("failed");
      expect(stopped.error?.retriable).toBe(false);
      expect(stopped.error?.message).toMatch(
        new RegExp(
          `^Record ${topic}-0@8 is broken \\(the value is not valid JSON: .*\\) and the batch has more broken records than skipBrokenRecords \\(2\\)`,
        ),
      );
      const stats = await readStats(ctx.store, sink.name);
      expect(stats.status).toBe("stopped");
      expect(stats.lastError?.message).toBe(stopped.error?.message);
      expect((await backend.committedOffsets(sink.group, [{ topic, partition: 0 }]))[0].offset).toBe(5);
      expect(await rows(url, `SELECT count() AS n FROM default.${table}`)).toEqual([{ n: "3" }]);
    });

    it("re-sends an acknowledged but uncommitted batch unchanged, and FINAL shows no duplicates", async () => {
      const topic = unique("sink-commit");
      const table = unique("commit");
      await backend.createTopic({ topic, partitions: 1 });
      await query(
        url,
        `CREATE TABLE default.${table} (_topic String, _partition UInt64, _offset UInt64, n UInt32)
       ENGINE = ReplacingMergeTree ORDER BY (_topic, _partition, _offset)`,
      );
      await backend.produce(
        topic,
        Array.from({ length: 6 }, (_, n) => ({ key: null, value: bytes(JSON.stringify({ n })) })),
      );
      const sink = definition(url, table, topic, {
        columns: { _topic: "_topic", _partition: "_partition", _offset: "_offset", n: "$.n" },
        batch: { maxRows: 4, maxWaitMs: 200 },
      });
      const failingCommit: SinkContext = {
        ...ctx,
        backend: {
          ...backend,
          commitOffsets: async () => {
            throw kafkaError("The coordinator is not available.", true);
          },
        },
      };
      const failed = await runSink(failingCommit, sink);
      expect(failed).toMatchObject({ outcome: "failed", records: 4, error: { retriable: true } });
      await backend.produce(topic, [{ key: null, value: bytes('{"n":6}') }]);

      const [retry, ...rest] = await drain(ctx, sink);
      expect(retry).toMatchObject({ outcome: "inserted", retry: true, rows: 4, ranges: failed.ranges });
      expect(rest.map((r) => r.rows)).toEqual([3, 0]);
      expect(await rows(url, `SELECT count() AS n FROM default.${table}`)).toEqual([{ n: "11" }]);
      expect(await rows(url, `SELECT count() AS c, sum(n) AS total FROM default.${table} FINAL`)).toEqual([
        { c: "7", total: "21" },
      ]);
    });

    it("drains a backlog in one scheduled trigger while batches come back full", async () => {
      const topic = unique("sink-drain");
      const table = unique("drain");
      await backend.createTopic({ topic, partitions: 1 });
      await query(url, `CREATE TABLE default.${table} (n UInt32) ENGINE = MergeTree ORDER BY n`);
      await backend.produce(
        topic,
        Array.from({ length: 25 }, (_, n) => ({ key: null, value: bytes(JSON.stringify({ n })) })),
      );
      const sink = definition(url, table, topic, { batch: { maxRows: 10, maxWaitMs: 200 } });
      const deps = {
        backend,
        state: ctx.store,
        sink: ctx.sink,
        config: { sinks: [sink], sinkLeaseMs: 60_000 },
      };
      expect((await runAllSinks(deps)).map((r) => r.rows)).toEqual([10]);
      expect((await runAllSinks(deps, { budgetMs: 30_000 })).map((r) => r.rows)).toEqual([10, 5]);
      expect(await insertsInto(url, `default.${table}`)).toBe(3);
    });

    it("lets only one of two overlapping runs of a sink read and insert", async () => {
      const topic = unique("sink-lease");
      const table = unique("lease");
      await backend.createTopic({ topic, partitions: 1 });
      await query(url, `CREATE TABLE default.${table} (n UInt32) ENGINE = MergeTree ORDER BY n`);
      await backend.produce(topic, [{ key: null, value: bytes('{"n":1}') }]);
      const sink = definition(url, table, topic);
      const outcomes = (await Promise.all([runSink(ctx, sink), runSink(ctx, sink)])).map((r) => r.outcome);
      expect(outcomes.sort()).toEqual(["busy", "inserted"]);
      expect(await rows(url, `SELECT count() AS n FROM default.${table}`)).toEqual([{ n: "1" }]);
      expect((await runSink(ctx, sink)).outcome).toBe("idle");
    });
  },
);

describe.each(backends)("a ClickHouse server stopped mid-run (%s backend)", (_, open) => {
  let backend: KafkaBackend;
  let server: Awaited<ReturnType<typeof privateClickHouse>>;

  beforeAll(async () => {
    backend = open();
    server = await privateClickHouse();
  });
  afterAll(async () => {
    server.destroy();
    await backend.close();
  });

  it("commits nothing while it is down and drains the backlog without duplicates once it is back", async () => {
    const topic = unique("sink-outage");
    const table = unique("outage");
    await backend.createTopic({ topic, partitions: 2 });
    await query(
      server.url,
      `CREATE TABLE default.${table} (_topic String, _partition UInt64, _offset UInt64, n UInt32)
       ENGINE = ReplacingMergeTree ORDER BY (_topic, _partition, _offset)`,
    );
    let stopBeforeNextInsert = false;
    const ctx: SinkContext = {
      backend,
      store: createMemoryStateStore(),
      sink: createClickHouseSink({
        timeoutMs: 3000,
        fetch: (input, init) => {
          if (stopBeforeNextInsert && init?.method === "POST") {
            stopBeforeNextInsert = false;
            server.stop();
          }
          return fetch(input, init);
        },
      }),
      now: Date.now,
      leaseMs: 60_000,
    };
    const produce = (from: number, count: number) =>
      backend.produce(
        topic,
        Array.from({ length: count }, (_, i) => ({
          key: null,
          partition: (from + i) % 2,
          value: bytes(JSON.stringify({ n: from + i })),
        })),
      );
    const sink = definition(server.url, table, topic, {
      columns: { _topic: "_topic", _partition: "_partition", _offset: "_offset", n: "$.n" },
      batch: { maxRows: 8, maxWaitMs: 200 },
    });
    const committed = async () =>
      (
        await backend.committedOffsets(
          sink.group,
          [0, 1].map((partition) => ({ topic, partition })),
        )
      )
        .map((c) => [c.partition, c.offset])
        .sort();

    await produce(0, 20);
    expect((await runSink(ctx, sink)).rows).toBe(8);
    const before = await committed();

    stopBeforeNextInsert = true;
    const down = await runSink(ctx, sink);
    expect(down.outcome).toBe("failed");
    expect(down.error).toMatchObject({ retriable: true });
    expect(down.error?.message).toMatch(/is not reachable/);
    await produce(20, 10);
    expect((await runSink(ctx, sink)).outcome).toBe("failed");
    expect(await committed()).toEqual(before);
    expect((await readStats(ctx.store, sink.name)).status).toBe("retrying");

    server.start();
    const reports = await drain(ctx, sink);
    expect(reports[0]).toMatchObject({ retry: true, ranges: down.ranges, outcome: "inserted" });
    expect(reports.at(-1)?.outcome).toBe("idle");
    const [final] = await rows(
      server.url,
      `SELECT count() AS c, uniqExact(n) AS distinct, sum(n) AS total FROM default.${table} FINAL`,
    );
    expect(final).toEqual({ c: "30", distinct: "30", total: String((29 * 30) / 2) });
    expect(await committed()).toEqual([
      [0, 15],
      [1, 15],
    ]);
    expect((await readStats(ctx.store, sink.name)).status).toBe("ok");
  });
});
