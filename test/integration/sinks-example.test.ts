import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickhouseUrl, query, rows } from "../helpers/clickhouse.ts";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";

/**
 * The README's worked example (the Kafka-engine queue redone as one sink and one table), run the
 * way the README runs it: the Node entry with SINKS_FILE, curl-equivalent calls, ClickHouse 18.16.
 */
describe("README sink guide: kafka_queue + merge_tree_queue + materialized view as one sink", () => {
  const table = `queue_${Date.now().toString(36)}`;
  let url: string;
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    url = clickhouseUrl();
    await query(
      url,
      `CREATE TABLE ${table}
      (
          ID UInt64,
          Name String,
          CreateTime DateTime,
          CreateDate Date MATERIALIZED toDate(CreateTime),
          _topic String,
          _partition UInt64,
          _offset UInt64
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(CreateDate)
      ORDER BY (_topic, _partition, _offset)`,
    );
    dir = mkdtempSync(join(tmpdir(), "kep-sink-example-"));
    const sinks = [
      {
        name: "queue",
        topics: ["queue"],
        clickhouse: { url, table },
        columns: {
          ID: "$.ID",
          Name: "$.Name",
          CreateTime: "$.Timestamp",
          _topic: "_topic",
          _partition: "_partition",
          _offset: "_offset",
        },
        skipBrokenRecords: 10,
        deadLetterTopic: "queue-dlq",
      },
    ];
    writeFileSync(join(dir, "sinks.json"), JSON.stringify(sinks, null, 2));
    server = await startNodeServer({ SINKS_FILE: join(dir, "sinks.json") });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("inserts the rows with CreateTime and CreateDate, dead-letters the record that is no object", async () => {
    const produced = await fetch(`${server.url}/topics/queue`, {
      method: "POST",
      headers: { "Content-Type": "application/vnd.kafka.json.v2+json" },
      body: JSON.stringify({
        records: [
          { value: { ID: 1, Name: "alice", Timestamp: 1700000000 } },
          { value: { ID: 2, Name: "bob", Timestamp: 1700086400 } },
          { value: "not an object" },
        ],
      }),
    });
    expect(produced.status).toBe(200);
    const flush = await fetch(`${server.url}/sinks/queue/flush`, { method: "POST" });
    expect(await flush.json()).toMatchObject({
      sink: "queue",
      outcome: "inserted",
      records: 3,
      rows: 2,
      skipped: 1,
      ranges: [{ topic: "queue", partition: 0, first: 0, last: 2 }],
    });
    expect(
      await rows(url, `SELECT ID, Name, CreateTime, CreateDate, _offset FROM ${table} FINAL ORDER BY ID`),
    ).toEqual([
      { ID: "1", Name: "alice", CreateTime: "2023-11-14 22:13:20", CreateDate: "2023-11-14", _offset: "0" },
      { ID: "2", Name: "bob", CreateTime: "2023-11-15 22:13:20", CreateDate: "2023-11-15", _offset: "1" },
    ]);
    const dlq = await fetch(`${server.url}/topics/queue-dlq/partitions/0/messages?offset=0`);
    expect(await dlq.json()).toEqual([{ key: null, value: "Im5vdCBhbiBvYmplY3Qi", partition: 0, offset: 0 }]);
    const status = await (await fetch(`${server.url}/sinks/queue`)).json();
    expect(status).toMatchObject({
      status: "ok",
      recordsProcessed: 3,
      rowsInserted: 2,
      recordsSkipped: 1,
      lag: [{ topic: "queue", partition: 0, committed: 3, end: 3, lag: 0 }],
    });
  });
});
