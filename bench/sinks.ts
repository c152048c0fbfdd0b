/**
 * @module `node bench/sinks.ts`: rows/s from a Kafka topic into a ClickHouse table through sink
 * runs, next to inserting the same rows straight into ClickHouse with one HTTP insert, in one run.
 *
 * - direct (the baseline): the rows as one gzip JSONEachRow INSERT (createClickHouseSink().insert,
 *   the same serialization the sink uses), timed from the row objects to the server's answer;
 * - sink: the same rows as JSON record values in a 3-partition topic (written before timing), then
 *   runSink() again and again until every record is in the table and committed; each run reads
 *   from the committed offsets, maps, inserts one batch and commits. Once per batch size.
 *
 * ClickHouse: CLICKHOUSE_URL, or the scripts/clickhouse.sh server (started if needed). Kafka: the
 * embedded log, and also a real broker when KAFKA_BROKERS is set. Settings: BENCH_SINK_ROWS
 * (200000), BENCH_RUNS (3), BENCH_SINK_BATCHES ("10000,100000"). Each case runs BENCH_RUNS times
 * into a fresh MergeTree table; medians are reported, and each ratio is the median of the runs'
 * ratios to the direct insert of the same run.
 * Progress goes to stderr; the markdown section to stdout.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createKafkajsBackend } from "../src/backends/kafkajs.ts";
import { createMemoryBackend } from "../src/backends/memory.ts";
import type { KafkaBackend } from "../src/backends/types.ts";
import type { SinkContext } from "../src/core/sinks/context.ts";
import { parseSinkDefinitions } from "../src/core/sinks/definition.ts";
import { runSink } from "../src/core/sinks/run.ts";
import { createClickHouseSink } from "../src/sinks/clickhouse.ts";
import { createMemoryStateStore } from "../src/state/memory.ts";
import { envList, envNumber, machineLine, median } from "./lib.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROWS = Math.round(envNumber("BENCH_SINK_ROWS", 200_000, 1000));
const RUNS = Math.round(envNumber("BENCH_RUNS", 3, 1));
const BATCHES = envList("BENCH_SINK_BATCHES", [10_000, 100_000]);
const PARTITIONS = 3;
const PRODUCE_CHUNK = 5000;

const log = (message: string) => process.stderr.write(`${message}\n`);
const url =
  process.env.CLICKHOUSE_URL ??
  execFileSync("bash", [`${ROOT}scripts/clickhouse.sh`, "start"], { encoding: "utf8" }).trim();
const sink = createClickHouseSink({ timeoutMs: 120_000 });
const suffix = Date.now().toString(36);
let tables = 0;

async function sql(statement: string): Promise<string> {
  const res = await fetch(`${url}/`, { method: "POST", body: statement });
  const body = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${body}`);
  return body.trim();
}

async function freshTable(): Promise<string> {
  const table = `bench_sink_${suffix}_${tables++}`;
  await sql(
    `CREATE TABLE default.${table} (id UInt64, name String, amount UInt32, ts DateTime) ENGINE = MergeTree ORDER BY id`,
  );
  return table;
}

const row = (id: number) => ({ id, name: `user-${id % 1000}`, amount: id % 997, ts: 1_700_000_000 + id });
const target = (table: string) => ({ url, database: "default", table, user: "default", password: "" });

async function direct(): Promise<number> {
  const table = await freshTable();
  const started = performance.now();
  const rows = Array.from({ length: ROWS }, (_, id) => row(id));
  await sink.insert(target(table), { rows });
  const seconds = (performance.now() - started) / 1000;
  await sql(`DROP TABLE default.${table}`);
  return ROWS / seconds;
}

async function fill(backend: KafkaBackend, topic: string): Promise<void> {
  await backend.createTopic({ topic, partitions: PARTITIONS });
  const encoder = new TextEncoder();
  for (let from = 0; from < ROWS; from += PRODUCE_CHUNK) {
    const records = Array.from({ length: Math.min(PRODUCE_CHUNK, ROWS - from) }, (_, i) => ({
      key: null,
      partition: (from + i) % PARTITIONS,
      value: encoder.encode(JSON.stringify(row(from + i))),
    }));
    const results = await backend.produce(topic, records);
    if (results.some((r) => !r.ok)) throw new Error("produce failed");
  }
}

async function throughSink(backend: KafkaBackend, topic: string, maxRows: number): Promise<number> {
  const table = await freshTable();
  const parsed = parseSinkDefinitions([
    {
      name: table,
      topics: [topic],
      clickhouse: { url, table },
      batch: { maxRows, maxBytes: 256 * 1024 * 1024, maxWaitMs: 0 },
    },
  ]);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  const ctx: SinkContext = {
    backend,
    store: createMemoryStateStore(),
    sink,
    now: Date.now,
    leaseMs: 600_000,
  };
  const started = performance.now();
  let inserted = 0;
  while (inserted < ROWS) {
    const report = await runSink(ctx, parsed.sinks[0]);
    if (report.outcome !== "inserted")
      throw new Error(`sink run ${report.outcome}: ${report.error?.message}`);
    inserted += report.rows;
  }
  const seconds = (performance.now() - started) / 1000;
  const count = Number(await sql(`SELECT count() FROM default.${table}`));
  if (count !== ROWS) throw new Error(`expected ${ROWS} rows, found ${count}`);
  await sql(`DROP TABLE default.${table}`);
  return ROWS / seconds;
}

const backends: Array<[string, () => KafkaBackend]> = [
  ["embedded log", () => createMemoryBackend({ autoCreateTopics: true, defaultPartitions: 1 })],
];
if (process.env.KAFKA_BROKERS) {
  const brokers = process.env.KAFKA_BROKERS.split(",");
  backends.push([
    "Kafka broker (kafkajs)",
    () => createKafkajsBackend({ brokers, clientId: "kep-bench-sinks" }),
  ]);
}

const version = await sql("SELECT version()");
log(`ClickHouse ${version} at ${url}; ${ROWS} rows, ${RUNS} runs`);
await direct();
const results: Array<{ path: string; samples: number[] }> = [
  { path: "direct: one HTTP insert", samples: [] },
];
const opened: KafkaBackend[] = [];
const cases: Array<{ backend: KafkaBackend; topic: string; maxRows: number }> = [];
for (const [name, open] of backends) {
  const backend = open();
  opened.push(backend);
  const topic = `bench-sink-${suffix}-${opened.length}`;
  log(`filling ${topic} (${name})`);
  await fill(backend, topic);
  for (const maxRows of BATCHES) {
    cases.push({ backend, topic, maxRows });
    results.push({ path: `sink runs, ${name}, maxRows ${maxRows.toLocaleString("en-US")}`, samples: [] });
  }
}
for (let run = 0; run < RUNS; run++) {
  results[0].samples.push(await direct());
  log(`run ${run + 1}: direct ${Math.round(results[0].samples.at(-1) ?? 0)} rows/s`);
  for (const [i, c] of cases.entries()) {
    results[i + 1].samples.push(await throughSink(c.backend, c.topic, c.maxRows));
    log(`run ${run + 1}: ${results[i + 1].path} ${Math.round(results[i + 1].samples.at(-1) ?? 0)} rows/s`);
  }
}
await Promise.all(opened.map((b) => b.close()));

const lines = [
  "## Sinks: topic → ClickHouse table",
  "",
  `${ROWS} JSON records (about 80 bytes each) into a \`MergeTree ORDER BY id\` table on clickhouse-server ${version} (the same machine), medians of ${RUNS} runs in one process (rows/s: median per path; vs direct: median of each run's ratio to the direct insert of the same run). Direct is the same rows as one gzip \`INSERT … FORMAT JSONEachRow\`; sink runs read them from a ${PARTITIONS}-partition topic, map, insert and commit, one batch per run, until all are in.`,
  "",
  "| Path | rows/s | vs direct |",
  "| --- | ---: | ---: |",
  ...results.map((r) => {
    const rate = median(r.samples);
    // Each run's ratio is against the direct insert of that same run: the machine's load changes
    // between runs far more than within one.
    const ratio = median(r.samples.map((sample, run) => sample / results[0].samples[run]));
    return `| ${r.path} | ${Math.round(rate).toLocaleString("en-US")} | ${ratio.toFixed(2)} |`;
  }),
  "",
  `Machine: ${machineLine()}. Command: \`node bench/sinks.ts\`${process.env.KAFKA_BROKERS ? " with KAFKA_BROKERS set" : ""}.`,
];
process.stdout.write(`${lines.join("\n")}\n`);
