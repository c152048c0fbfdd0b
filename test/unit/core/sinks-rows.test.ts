import { describe, expect, it } from "vitest";
import type { KafkaRecord } from "../../../src/backends/types.ts";
import { parseSinkDefinitions } from "../../../src/core/sinks/definition.ts";
import { deduplicationToken, prepareBatch } from "../../../src/core/sinks/prepare.ts";
import { rowMapper } from "../../../src/core/sinks/rows.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function sink(extra: Record<string, unknown> = {}) {
  const parsed = parseSinkDefinitions([
    { name: "s", topics: ["t"], clickhouse: { url: "http://ch:8123", table: "t" }, ...extra },
  ]);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return parsed.sinks[0];
}

function record(value: string | Uint8Array | null, extra: Partial<KafkaRecord> = {}): KafkaRecord {
  return {
    topic: "t",
    partition: 2,
    offset: 7,
    timestamp: 1_700_000_000_999,
    key: bytes("k"),
    value: typeof value === "string" ? bytes(value) : value,
    headers: [
      { key: "a", value: bytes("1") },
      { key: "b", value: null },
    ],
    ...extra,
  };
}

describe("records to rows", () => {
  it("uses a json value's own fields as the row when there are no columns", () => {
    expect(rowMapper(sink())(record('{"x":1,"y":"z"}'))).toEqual({ ok: true, row: { x: 1, y: "z" } });
  });

  it("maps virtual columns as ClickHouse's Kafka engine names them, and JSON paths", () => {
    const toRow = rowMapper(
      sink({
        columns: {
          topic: "_topic",
          partition: "_partition",
          offset: "_offset",
          key: "_key",
          ts: "_timestamp",
          ts_ms: "_timestamp_ms",
          headers: "_headers",
          names: "_headers.name",
          values: "_headers.value",
          raw: "$",
          deep: "$.a.b[1]",
          odd: '$["odd key"]',
          missing: "$.nope.deeper",
        },
      }),
    );
    expect(toRow(record('{"a":{"b":[10,20]},"odd key":true}'))).toEqual({
      ok: true,
      row: {
        topic: "t",
        partition: 2,
        offset: 7,
        key: "k",
        ts: 1_700_000_000,
        ts_ms: 1_700_000_000_999,
        headers: { a: "1", b: "" },
        names: ["a", "b"],
        values: ["1", ""],
        raw: '{"a":{"b":[10,20]},"odd key":true}',
        deep: 20,
        odd: true,
      },
    });
    expect(toRow(record("{}", { key: null })).ok && toRow(record("{}", { key: null }))).toMatchObject({
      row: { key: "" },
    });
  });

  it("puts a string value into a column whole", () => {
    const toRow = rowMapper(sink({ format: "string", columns: { line: "$", at: "_offset" } }));
    expect(toRow(record("not json at all"))).toEqual({ ok: true, row: { line: "not json at all", at: 7 } });
  });

  it("calls a record broken when it cannot be a row, saying why", () => {
    const json = rowMapper(sink());
    expect(json(record("{oops"))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^the value is not valid JSON: /),
    });
    expect(json(record("[1,2]"))).toEqual({ ok: false, reason: "the value is not a JSON object" });
    expect(json(record(null))).toEqual({ ok: false, reason: "the value is null (a tombstone)" });
    expect(json(record(new Uint8Array([0xff, 0xfe])))).toEqual({
      ok: false,
      reason: "the value is not valid UTF-8",
    });
  });

  it("skips broken records up to the limit and fails the batch on the next one", () => {
    const records = ['{"n":1}', "x", '{"n":2}', "y"].map((v, i) => record(v, { offset: i }));
    expect(prepareBatch(sink({ skipBrokenRecords: 2 }), records)).toMatchObject({
      rows: [{ n: 1 }, { n: 2 }],
      broken: [{ record: { offset: 1 } }, { record: { offset: 3 } }],
    });
    expect(() => prepareBatch(sink({ skipBrokenRecords: 1 }), records)).toThrow(
      /^Record t-2@3 is broken \(the value is not valid JSON: .*\) and the batch has more broken records than skipBrokenRecords \(1\)/,
    );
  });

  it("names a batch by sink, topic, partition and offset range", () => {
    expect(deduplicationToken("s", [{ topic: "t", partition: 0, first: 5, last: 9 }])).toBe("s:t:0:5-9");
    expect(
      deduplicationToken("s", [
        { topic: "t", partition: 0, first: 5, last: 9 },
        { topic: "t", partition: 1, first: 0, last: 2 },
      ]),
    ).toBe("s:t:0:5-9,t:1:0-2");
  });
});
