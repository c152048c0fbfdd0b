import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createMemoryBackend } from "../../src/backends/memory.ts";
import type { SinkDeps } from "../../src/core/sinks/context.ts";
import { parseSinkDefinitions } from "../../src/core/sinks/definition.ts";
import { handleKafkaEvent, type LambdaKafkaEvent } from "../../src/core/sinks/lambda-event.ts";
import { readStats } from "../../src/core/sinks/stats.ts";
import { createClickHouseSink } from "../../src/sinks/clickhouse.ts";
import { createMemoryStateStore } from "../../src/state/memory.ts";
import { clickhouseUrl, query, rows } from "../helpers/clickhouse.ts";

const fixture = (name: string): LambdaKafkaEvent =>
  JSON.parse(readFileSync(new URL(`../unit/sinks/fixtures/${name}`, import.meta.url), "utf8"));
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;

/**
 * The Lambda Kafka event-source handler against the real ClickHouse 18.16, fed with MSK and
 * self-managed Kafka events in the shape Lambda delivers (base64 key and value, "topic-partition").
 */
describe("Lambda Kafka events into ClickHouse", () => {
  let url: string;
  beforeAll(() => {
    url = clickhouseUrl();
  });

  async function setup(extra: Record<string, unknown> = {}, clickhouse: Record<string, unknown> = {}) {
    const table = `lambda_${run}_${counter++}`;
    await query(
      url,
      `CREATE TABLE default.${table} (id UInt32, amount UInt32, _topic String, _partition UInt64,
        _offset UInt64, _key String, _timestamp DateTime, hname Array(String), hvalue Array(String))
        ENGINE = ReplacingMergeTree ORDER BY (_topic, _partition, _offset)`,
    );
    const parsed = parseSinkDefinitions([
      {
        name: table,
        topics: ["orders"],
        source: "lambda",
        clickhouse: { url, table, ...clickhouse },
        columns: {
          id: "$.id",
          amount: "$.amount",
          _topic: "_topic",
          _partition: "_partition",
          _offset: "_offset",
          _key: "_key",
          _timestamp: "_timestamp",
          hname: "_headers.name",
          hvalue: "_headers.value",
        },
        ...extra,
      },
    ]);
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    const backend = createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 });
    const deps: SinkDeps = {
      backend,
      state: createMemoryStateStore(),
      sink: createClickHouseSink({ timeoutMs: 3000 }),
      config: { sinks: parsed.sinks, sinkLeaseMs: 60_000 },
    };
    return { table, deps, backend, sink: parsed.sinks[0] };
  }

  it("inserts an MSK event's records with their virtual columns and reports no failures", async () => {
    const { table, deps } = await setup({}, {});
    expect(await handleKafkaEvent(deps, fixture("msk-event.json"))).toEqual({ batchItemFailures: [] });
    expect(
      await rows(
        url,
        `SELECT id, amount, _partition, _offset, _key, toUnixTimestamp(_timestamp) AS ts FROM default.${table} ORDER BY id`,
      ),
    ).toEqual([
      { id: 1, amount: 42, _partition: "0", _offset: "15", _key: "alice", ts: 1545084650 },
      { id: 2, amount: 7, _partition: "0", _offset: "16", _key: "bob", ts: 1545084651 },
      { id: 3, amount: 100, _partition: "1", _offset: "3", _key: "", ts: 1545084652 },
    ]);
    expect(await rows(url, `SELECT hname, hvalue FROM default.${table} WHERE id = 1`)).toEqual([
      { hname: ["headerKey"], hvalue: ["headerValue"] },
    ]);
    expect(await readStats(deps.state, table)).toMatchObject({ status: "ok", rowsInserted: 3, inserts: 1 });
  });

  it("reports a partition with more broken records than allowed at its first offset, and inserts nothing", async () => {
    const { table, deps } = await setup();
    expect(await handleKafkaEvent(deps, fixture("self-managed-event.json"))).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: "orders-2", offset: 40 } }],
    });
    expect(await rows(url, `SELECT count() AS c FROM default.${table}`)).toEqual([{ c: "0" }]);
    const stats = await readStats(deps.state, table);
    expect(stats.status).toBe("stopped");
    expect(stats.lastError?.message).toMatch(/^Record orders-2@41 is broken \(the value is not valid JSON/);
  });

  it("skips a broken record into the dead-letter topic when allowed, ignoring topics it does not read", async () => {
    const { table, deps, backend } = await setup({ skipBrokenRecords: 1, deadLetterTopic: "orders-dlq" });
    expect(await handleKafkaEvent(deps, fixture("self-managed-event.json"))).toEqual({
      batchItemFailures: [],
    });
    expect(await rows(url, `SELECT id, _offset FROM default.${table} ORDER BY id`)).toEqual([
      { id: 4, _offset: "40" },
      { id: 5, _offset: "42" },
    ]);
    const [dlq] = await backend.fetch([{ topic: "orders-dlq", partition: 0, offset: 0 }], {
      maxBytes: 1 << 20,
      maxWaitMs: 0,
    });
    expect(dlq.records.map((r) => new TextDecoder().decode(r.value as Uint8Array))).toEqual(["not json"]);
  });

  it("reports every partition of the batch when ClickHouse is unreachable, and the redelivery inserts once", async () => {
    const { table, deps, sink } = await setup({}, { url: "http://127.0.0.1:9" });
    expect(await handleKafkaEvent(deps, fixture("msk-event.json"))).toEqual({
      batchItemFailures: [
        { itemIdentifier: { partition: "orders-0", offset: 15 } },
        { itemIdentifier: { partition: "orders-1", offset: 3 } },
      ],
    });
    expect((await readStats(deps.state, table)).lastError).toMatchObject({ retriable: true });
    const healed = {
      ...deps,
      config: { ...deps.config, sinks: [{ ...sink, clickhouse: { ...sink.clickhouse, url } }] },
    };
    expect(await handleKafkaEvent(healed, fixture("msk-event.json"))).toEqual({ batchItemFailures: [] });
    expect(await rows(url, `SELECT count() AS c FROM default.${table}`)).toEqual([{ c: "3" }]);
  });

  it("leaves the event to sinks fed by Lambda: a polled sink inserts nothing", async () => {
    const { table, deps } = await setup({ source: "poll" });
    expect(await handleKafkaEvent(deps, fixture("msk-event.json"))).toEqual({ batchItemFailures: [] });
    expect(await rows(url, `SELECT count() AS c FROM default.${table}`)).toEqual([{ c: "0" }]);
  });
});
