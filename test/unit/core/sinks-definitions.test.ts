import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/index.ts";
import { withSinksFile } from "../../../src/config/sinks.ts";
import { parseSinkDefinitions } from "../../../src/core/sinks/definition.ts";
import { configProblems } from "../../helpers/config.ts";

const minimal = {
  name: "events",
  topics: ["events"],
  clickhouse: { url: "http://ch:8123", table: "events" },
};

describe("sink definitions", () => {
  it("fills the defaults: group sink-{name}, json, batch limits, no skipping, polled", () => {
    const parsed = parseSinkDefinitions([minimal]);
    expect(parsed).toEqual({
      ok: true,
      sinks: [
        {
          ...minimal,
          group: "sink-events",
          clickhouse: {
            ...minimal.clickhouse,
            database: "default",
            user: "default",
            password: "",
            settings: {},
          },
          format: "json",
          batch: { maxRows: 10_000, maxBytes: 16 * 1024 * 1024, maxWaitMs: 1000 },
          skipBrokenRecords: 0,
          source: "poll",
        },
      ],
    });
  });

  it("names every problem with its path", () => {
    const parsed = parseSinkDefinitions([
      {
        ...minimal,
        topics: [],
        clickhouse: { url: "ftp://x", table: "bad name" },
        columns: { a: "$..b", b: "_nope" },
      },
      { ...minimal, name: "b", format: "string" },
      { ...minimal, name: "c", unknown: 1 },
    ]);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      "SINKS[0].topics: topics must name at least one topic",
      "SINKS[0].clickhouse.url: clickhouse.url must be an http(s) URL",
      "SINKS[0].clickhouse.table: must be a plain identifier (letters, digits, _)",
      "SINKS[0].columns.a: a column source is one of _topic, _partition, _offset, _key, _timestamp, _timestamp_ms, _headers, _headers.name, _headers.value or a JSON path like $.field",
      "SINKS[0].columns.b: a column source is one of _topic, _partition, _offset, _key, _timestamp, _timestamp_ms, _headers, _headers.name, _headers.value or a JSON path like $.field",
      'SINKS[1].columns: a string sink needs columns, e.g. {"line":"$"}',
      'SINKS[2]: Unrecognized key: "unknown"',
    ]);
  });

  it("refuses duplicate names and paths into a string value", () => {
    const duplicate = parseSinkDefinitions([minimal, minimal]);
    expect(duplicate).toEqual({ ok: false, problems: ["SINKS: sink names must be unique"] });
    const stringPath = parseSinkDefinitions([{ ...minimal, format: "string", columns: { a: "$.x" } }]);
    expect(stringPath).toEqual({
      ok: false,
      problems: ["SINKS[0].columns: a string sink's value is text: use $ for it, not a path into it"],
    });
  });
});

describe("SINKS, SINKS_FILE and the sink settings", () => {
  it("parses SINKS into config.sinks, with no sinks by default", () => {
    expect(parseConfig({}).sinks).toEqual([]);
    const config = parseConfig({ SINKS: JSON.stringify([minimal]), SINKS_INTERVAL_MS: "5000" });
    expect(config.sinks.map((s) => s.group)).toEqual(["sink-events"]);
    expect(config.sinksIntervalMs).toBe(5000);
  });

  it("reports bad JSON and bad definitions without echoing SINKS (it holds passwords)", () => {
    expect(configProblems({ SINKS: "[{" })[0]).toMatch(/^SINKS is not valid JSON: .* \(got \[redacted\]\)$/);
    expect(
      configProblems({ SINKS: JSON.stringify([{ ...minimal, clickhouse: { password: "hunter2" } }]) }),
    ).toEqual([
      "SINKS[0].clickhouse.url: clickhouse.url must be an http(s) URL (got [redacted])",
      "SINKS[0].clickhouse.table: Invalid input: expected string, received undefined (got [redacted])",
    ]);
  });

  it("says SINKS_FILE needs an entry that reads files, and refuses it together with SINKS", () => {
    expect(configProblems({ SINKS_FILE: "/etc/sinks.json" })).toEqual([
      "SINKS_FILE cannot be read on this runtime (it has no file system): put the JSON in SINKS",
    ]);
    expect(configProblems({ SINKS_FILE: "/etc/sinks.json", SINKS: "[]" })).toEqual([
      "Set SINKS or SINKS_FILE, not both",
    ]);
  });

  it("reads SINKS_FILE into SINKS for entries with a file system", () => {
    const env = withSinksFile({ SINKS_FILE: "/etc/sinks.json" }, (path) => `[] from ${path}`);
    expect(env).toEqual({ SINKS: "[] from /etc/sinks.json", SINKS_FILE: undefined });
    expect(withSinksFile({ SINKS: "[]", SINKS_FILE: "x" }, () => "unused")).toEqual({
      SINKS: "[]",
      SINKS_FILE: "x",
    });
  });

  it("keeps the lease longer than a run can take", () => {
    expect(configProblems({ SINK_LEASE_MS: "60000", SINK_INSERT_TIMEOUT_MS: "30000" })).toEqual([
      "SINK_LEASE_MS (60000) must be at least SINK_INSERT_TIMEOUT_MS + 60000 (90000)",
    ]);
  });
});
