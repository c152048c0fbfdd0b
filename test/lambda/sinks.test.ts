import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { clickhouseUrl, query, rows } from "../helpers/clickhouse.ts";
import { startLambdaContainer } from "./container.ts";
import { recordedEvent } from "./events.ts";

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const mskEvent = JSON.parse(
  readFileSync(new URL("../unit/sinks/fixtures/msk-event.json", import.meta.url), "utf8"),
);
/** An EventBridge schedule event, as Lambda delivers `schedule: rate(1 minute)`. */
const scheduleEvent = {
  version: "0",
  id: "89d1a02d-5ec7-412e-82f5-13505f849b41",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2026-11-21T10:00:00Z",
  region: "us-east-1",
  resources: ["arn:aws:events:us-east-1:123456789012:rule/kafka-edge-proxy-dev-CronEventsRuleSchedule1"],
  detail: {},
};

/** The packaged Lambda handler's `cron` and `kafka` exports against the real ClickHouse 18.16. */
describe("the packaged handler's sink exports", () => {
  let url: string;
  beforeAll(() => {
    url = clickhouseUrl();
  });

  it("cron runs the polled sinks: what the http handler produced lands in ClickHouse", async () => {
    const table = `lambda_cron_${run}`;
    await query(
      url,
      `CREATE TABLE default.${table} (line String, offset UInt64) ENGINE = MergeTree ORDER BY offset`,
    );
    const sinks = [
      {
        name: "lines",
        topics: ["lambda-orders"],
        format: "string",
        columns: { line: "$", offset: "_offset" },
        clickhouse: { url, table },
        batch: { maxWaitMs: 100 },
      },
    ];
    const lambda = await startLambdaContainer(inject("lambdaHandlerModule"), {
      SINKS: JSON.stringify(sinks),
    });
    try {
      await lambda.invoke("http", recordedEvent("http-api", "produce-binary"));
      const reports = await lambda.invoke<Array<Record<string, unknown>>>("cron", scheduleEvent);
      expect(reports).toMatchObject([{ sink: "lines", outcome: "inserted", rows: 1 }]);
      expect(await rows(url, `SELECT line, offset FROM default.${table}`)).toEqual([
        { line: "hello lambda", offset: "0" },
      ]);
    } finally {
      await lambda.stop();
    }
  });

  it("kafka inserts an MSK batch, and reports the partitions at their first offsets when ClickHouse is down", async () => {
    const table = `lambda_kafka_${run}`;
    await query(
      url,
      `CREATE TABLE default.${table} (id UInt32, _offset UInt64) ENGINE = MergeTree ORDER BY id`,
    );
    const sink = (clickhouseAt: string) => [
      {
        name: "orders",
        topics: ["orders"],
        source: "lambda",
        columns: { id: "$.id", _offset: "_offset" },
        clickhouse: { url: clickhouseAt, table },
      },
    ];
    const up = await startLambdaContainer(inject("lambdaHandlerModule"), {
      SINKS: JSON.stringify(sink(url)),
    });
    const down = await startLambdaContainer(inject("lambdaHandlerModule"), {
      SINKS: JSON.stringify(sink("http://127.0.0.1:9")),
    });
    try {
      expect(await up.invoke("kafka", mskEvent)).toEqual({ batchItemFailures: [] });
      expect(await rows(url, `SELECT id, _offset FROM default.${table} ORDER BY id`)).toEqual([
        { id: 1, _offset: "15" },
        { id: 2, _offset: "16" },
        { id: 3, _offset: "3" },
      ]);
      expect(await down.invoke("kafka", mskEvent)).toEqual({
        batchItemFailures: [
          { itemIdentifier: { partition: "orders-0", offset: 15 } },
          { itemIdentifier: { partition: "orders-1", offset: 3 } },
        ],
      });
    } finally {
      await Promise.all([up.stop(), down.stop()]);
    }
  });
});
