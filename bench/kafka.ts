/**
 * @module `node bench/kafka.ts`: produce and fetch throughput of the Kafka backend against a real
 * broker, next to kafkajs used directly against the same broker, in one run.
 *
 * Produce, per case (records per request × concurrent requests), with the same 1 KiB values,
 * record count per batch, acks=all, no compression and no keys (spread over 3 partitions):
 * - proxy: `node functions/node.ts` with KAFKA_BACKEND=kafka (a child process), loaded by autocannon
 *   with Confluent v2 binary produce requests (base64 values);
 * - backend: createKafkajsBackend() in this process, `produce()` with the same batches;
 * - kafkajs: a kafkajs producer in this process, `send()` with the same batches.
 * Fetch, reading one partition of BENCH_FETCH_RECORDS records from the start, 1 MiB per fetch:
 * - backend: `fetch()` at explicit offsets (sessionless Fetch), in this process;
 * - proxy: GET /topics/{t}/partitions/0/messages?offset=..&count=1000 (the v1 read route);
 * - kafkajs: a kafkajs group consumer (from the first batch to the last record; the group join is
 *   not counted).
 * Runs alternate the order of the paths; medians are reported, ratios are against kafkajs.
 *
 * The broker: KAFKA_BROKERS, or the scripts/kafka.sh test broker (started if needed, and stopped
 * again if this run started it). Settings: BENCH_SECONDS (5), BENCH_RUNS (3), BENCH_WARMUP_SECONDS
 * (3), BENCH_RECORDS ("1,100"), BENCH_CONNECTIONS ("1,16"), BENCH_FETCH_RECORDS (50000).
 * Progress goes to stderr; the markdown section to stdout.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import kafkajs from "kafkajs";
import { createKafkajsBackend } from "../src/backends/kafkajs.ts";
import type { ProduceRecord } from "../src/backends/types.ts";
import { cpuSeconds, envList, envNumber, freePort, median } from "./lib.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const VALUE_BYTES = 1024;
const PARTITIONS = 3;
const FETCH_MAX_BYTES = 1024 * 1024;
const FETCH_COUNT = 1000;

const SECONDS = envNumber("BENCH_SECONDS", 5, 1);
const RUNS = Math.round(envNumber("BENCH_RUNS", 3, 1));
const WARMUP_SECONDS = envNumber("BENCH_WARMUP_SECONDS", 3, 0);
const RECORDS = envList("BENCH_RECORDS", [1, 100]);
const CONNECTIONS = envList("BENCH_CONNECTIONS", [1, 16]);
const FETCH_RECORDS = Math.round(envNumber("BENCH_FETCH_RECORDS", 50_000, 1000));

const log = (message: string) => process.stderr.write(`${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Broker and proxy processes

function kafkaScript(args: string[]): { code: number; stdout: string } {
  try {
    const stdout = execFileSync("bash", [`${ROOT}scripts/kafka.sh`, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    return { code: 0, stdout: stdout.trim() };
  } catch (error) {
    return { code: (error as { status?: number }).status ?? 1, stdout: "" };
  }
}

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

interface Proxy {
  child: ChildProcess;
  url: string;
  /** The last lines the proxy wrote (its warn/error logs). */
  output(): string;
}

async function startProxy(brokers: string): Promise<Proxy> {
  const port = await freePort();
  const child = spawn(process.execPath, ["functions/node.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: brokers,
      PORT: String(port),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let stderr = "";
  const keep = (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  };
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", keep);
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", keep);
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the proxy exited:\n${stderr}`);
    try {
      const response = await fetch(`${url}/readyz`);
      await response.arrayBuffer();
      if (response.ok) return { child, url, output: () => stderr };
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`the proxy did not become ready:\n${stderr}`);
}

async function stopProxy(proxy: Proxy): Promise<void> {
  if (proxy.child.exitCode !== null) return;
  const exited = new Promise((resolve) => proxy.child.once("exit", resolve));
  proxy.child.kill("SIGTERM");
  await exited;
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Measurement {
  records: number;
  seconds: number;
  /** Median latency of one request / send / fetch, ms. */
  p50: number;
  /** CPU of the Node processes on the path (this process, plus the proxy child), % of one core. */
  cpu: number;
}

const recordsPerSecond = (m: Measurement) => m.records / m.seconds;

/** Runs `call` from `concurrency` loops for `seconds`; each call moves `perCall` records. */
async function closedLoop(
  seconds: number,
  concurrency: number,
  perCall: number,
  call: () => Promise<void>,
  childPid?: number,
): Promise<Measurement> {
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const child0 = cpuSeconds(childPid);
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const child1 = cpuSeconds(childPid);
  const childCpu = child0 !== undefined && child1 !== undefined ? child1 - child0 : 0;
  return {
    records: latencies.length * perCall,
    seconds: elapsed,
    p50: median(latencies),
    cpu: (((cpu.user + cpu.system) / 1e6 + childCpu) / elapsed) * 100,
  };
}

async function autocannonRun(
  proxy: Proxy,
  topic: string,
  body: string,
  connections: number,
  seconds: number,
  perCall: number,
): Promise<Measurement> {
  const cpu0 = process.cpuUsage();
  const child0 = cpuSeconds(proxy.child.pid);
  const started = performance.now();
  const latencies: number[] = [];
  const failed = new Map<number, number>();
  const instance = autocannon({
    url: `${proxy.url}/topics/${topic}`,
    method: "POST",
    headers: {
      "content-type": "application/vnd.kafka.binary.v2+json",
      accept: "application/vnd.kafka.v2+json",
    },
    body,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
  });
  instance.on("response", (_client: unknown, status: unknown, _bytes: unknown, ms: unknown) => {
    if (Number(status) === 200) latencies.push(Number(ms));
    else failed.set(Number(status), (failed.get(Number(status)) ?? 0) + 1);
  });
  const result = await instance;
  const elapsed = (performance.now() - started) / 1000;
  if (failed.size > 0 || result.errors > 0 || result.timeouts > 0) {
    const statuses = [...failed].map(([status, n]) => `${n} × ${status}`).join(", ");
    throw new Error(
      `proxy: non-200 responses (${statuses || "none"}), ${result.errors} errors, ${result.timeouts} timeouts:\n${proxy.output()}`,
    );
  }
  const cpu = process.cpuUsage(cpu0);
  const child1 = cpuSeconds(proxy.child.pid);
  const childCpu = child0 !== undefined && child1 !== undefined ? child1 - child0 : 0;
  return {
    records: latencies.length * perCall,
    seconds: result.duration,
    p50: median(latencies),
    cpu: (((cpu.user + cpu.system) / 1e6 + childCpu) / elapsed) * 100,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

type Path = "proxy" | "backend" | "kafkajs";
const PATHS: Path[] = ["proxy", "backend", "kafkajs"];

interface ProduceCase {
  records: number;
  connections: number;
  runs: Record<Path, Measurement[]>;
}

interface FetchResult {
  runs: Record<Path, Measurement[]>;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  let brokers = process.env.KAFKA_BROKERS?.trim() ?? "";
  let startedBroker = false;
  if (!brokers) {
    const running = kafkaScript(["status"]).code === 0;
    const start = kafkaScript(["start"]);
    if (start.code !== 0) throw new Error("scripts/kafka.sh start failed");
    brokers = start.stdout;
    startedBroker = !running;
  }
  log(`broker: ${brokers}${startedBroker ? " (started by this run)" : ""}`);
  const list = brokers.split(",");
  const stamp = Date.now().toString(36);
  const backend = createKafkajsBackend({ brokers: list, clientId: "kep-bench" });
  const kafka = new kafkajs.Kafka({
    brokers: list,
    clientId: "kep-bench-kafkajs",
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const proxy = await startProxy(brokers);
  const topics: string[] = [];
  const newTopic = async (label: string, partitions: number) => {
    const topic = `bench-${label}-${stamp}-${topics.length}`;
    await backend.createTopic({ topic, partitions });
    topics.push(topic);
    return topic;
  };

  const produceCases: ProduceCase[] = [];
  let fetchResult: FetchResult | undefined;
  try {
    for (const records of RECORDS) {
      const values = Array.from({ length: records }, () => randomBytes(VALUE_BYTES));
      const body = JSON.stringify({ records: values.map((v) => ({ value: v.toString("base64") })) });
      const batch: ProduceRecord[] = values.map((value) => ({ key: null, value }));
      const messages = values.map((value) => ({ value }));
      for (const connections of CONNECTIONS) {
        const topic = await newTopic(`produce-${records}x${connections}`, PARTITIONS);
        const sent: Record<Path, number> = { proxy: 0, backend: 0, kafkajs: 0 };
        const once: Record<Path, (seconds: number) => Promise<Measurement>> = {
          proxy: (seconds) => autocannonRun(proxy, topic, body, connections, seconds, records),
          backend: (seconds) =>
            closedLoop(seconds, connections, records, async () => {
              const results = await backend.produce(topic, batch);
              const failed = results.find((r) => !r.ok);
              if (failed && !failed.ok) throw new Error(`backend produce failed: ${failed.error.message}`);
            }),
          kafkajs: (seconds) =>
            closedLoop(seconds, connections, records, async () => {
              await producer.send({ topic, messages, acks: -1 });
            }),
        };
        log(`produce ${records} × ${VALUE_BYTES} B, ${connections} concurrent: warm-up`);
        for (const path of PATHS) sent[path] += (await once[path](WARMUP_SECONDS)).records;
        const runs: Record<Path, Measurement[]> = { proxy: [], backend: [], kafkajs: [] };
        for (let run = 0; run < RUNS; run++) {
          const order = PATHS.map((_, i) => PATHS[(i + run) % PATHS.length]);
          for (const path of order) {
            const m = await once[path](SECONDS);
            runs[path].push(m);
            sent[path] += m.records;
            log(
              `  run ${run + 1} ${path}: ${Math.round(recordsPerSecond(m))} records/s, p50 ${m.p50.toFixed(2)} ms`,
            );
          }
        }
        // Every acknowledged record must be in the topic: no path may count what Kafka did not take.
        await sleep(500);
        const offsets = await backend.partitionOffsets(
          Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition })),
        );
        const stored = offsets.reduce((sum, o) => sum + o.end, 0);
        const acknowledged = sent.proxy + sent.backend + sent.kafkajs;
        if (stored < acknowledged)
          throw new Error(`${topic}: ${acknowledged} acknowledged but ${stored} stored`);
        produceCases.push({ records, connections, runs });
      }
    }

    log(`fetch: loading ${FETCH_RECORDS} records`);
    const fetchTopic = await newTopic("fetch", 1);
    const chunk = Array.from({ length: 1000 }, () => ({ value: randomBytes(VALUE_BYTES) }));
    for (let loaded = 0; loaded < FETCH_RECORDS; loaded += chunk.length) {
      await producer.send({ topic: fetchTopic, messages: chunk.slice(0, FETCH_RECORDS - loaded), acks: -1 });
    }
    const readAll: Record<Path, () => Promise<Measurement>> = {
      backend: () => readWithBackend(backend, fetchTopic),
      proxy: () => readWithProxy(proxy, fetchTopic),
      kafkajs: () => readWithConsumer(kafka, fetchTopic, `bench-group-${stamp}-${Math.random()}`),
    };
    for (const path of PATHS) await readAll[path]();
    const runs: Record<Path, Measurement[]> = { proxy: [], backend: [], kafkajs: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const path of PATHS.map((_, i) => PATHS[(i + run) % PATHS.length])) {
        const m = await readAll[path]();
        if (m.records !== FETCH_RECORDS)
          throw new Error(`${path} read ${m.records} of ${FETCH_RECORDS} records`);
        runs[path].push(m);
        log(`  fetch run ${run + 1} ${path}: ${Math.round(recordsPerSecond(m))} records/s`);
      }
    }
    fetchResult = { runs };
  } finally {
    await stopProxy(proxy);
    await producer.disconnect();
    for (const topic of topics) await backend.deleteTopic(topic).catch(() => undefined);
    await backend.close();
    if (startedBroker) kafkaScript(["stop", "--wipe"]);
  }
  process.stdout.write(report(produceCases, fetchResult, startedAt, loadBefore));
}

async function readWithBackend(
  backend: ReturnType<typeof createKafkajsBackend>,
  topic: string,
): Promise<Measurement> {
  let offset = 0;
  let records = 0;
  return measureRead(async () => {
    while (records < FETCH_RECORDS) {
      const [partition] = await backend.fetch([{ topic, partition: 0, offset }], {
        maxBytes: FETCH_MAX_BYTES,
        maxWaitMs: 0,
      });
      if (partition.records.length === 0) break;
      records += partition.records.length;
      offset = partition.records[partition.records.length - 1].offset + 1;
    }
    return records;
  });
}

async function readWithProxy(proxy: Proxy, topic: string): Promise<Measurement> {
  let offset = 0;
  let records = 0;
  return measureRead(async () => {
    while (records < FETCH_RECORDS) {
      const response = await fetch(
        `${proxy.url}/topics/${topic}/partitions/0/messages?offset=${offset}&count=${FETCH_COUNT}`,
        { headers: { accept: "application/vnd.kafka.binary.v1+json" } },
      );
      const body = (await response.json()) as Array<{ offset: number }>;
      if (!response.ok) throw new Error(`proxy fetch answered ${response.status}: ${JSON.stringify(body)}`);
      if (body.length === 0) break;
      records += body.length;
      offset = body[body.length - 1].offset + 1;
    }
    return records;
  }, proxy.child.pid);
}

async function readWithConsumer(
  kafka: InstanceType<typeof kafkajs.Kafka>,
  topic: string,
  groupId: string,
): Promise<Measurement> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: FETCH_MAX_BYTES, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let records = 0;
  let first = 0;
  let cpu0 = process.cpuUsage();
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (records === 0) {
          first = performance.now();
          cpu0 = process.cpuUsage();
        }
        records += batch.messages.length;
        if (records >= FETCH_RECORDS) resolve(performance.now());
      },
    });
  });
  const last = await done;
  const cpu = process.cpuUsage(cpu0);
  await consumer.disconnect();
  const seconds = (last - first) / 1000;
  return { records, seconds, p50: Number.NaN, cpu: ((cpu.user + cpu.system) / 1e6 / seconds) * 100 };
}

/** Times a read of the whole partition; `read` returns how many records it got. */
async function measureRead(read: () => Promise<number>, childPid?: number): Promise<Measurement> {
  const cpu0 = process.cpuUsage();
  const child0 = cpuSeconds(childPid);
  const started = performance.now();
  const records = await read();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const child1 = cpuSeconds(childPid);
  const childCpu = child0 !== undefined && child1 !== undefined ? child1 - child0 : 0;
  return {
    records,
    seconds,
    p50: Number.NaN,
    cpu: (((cpu.user + cpu.system) / 1e6 + childCpu) / seconds) * 100,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A markdown table; the first `textColumns` columns are left-aligned, the numbers right-aligned. */
function table(headers: string[], rows: string[][], textColumns: number): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const rule = line(headers.map((_, i) => (i < textColumns ? ":--" : "--:")));
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

function kafkaVersion(): string {
  return process.env.KAFKA_BROKERS
    ? "external cluster"
    : `Apache Kafka ${process.env.KAFKA_VERSION ?? "3.9.2"}`;
}

function report(
  cases: ProduceCase[],
  fetched: FetchResult | undefined,
  startedAt: Date,
  loadBefore: number[],
): string {
  const rate = (runs: Measurement[]) => median(runs.map(recordsPerSecond));
  const cpu = (runs: Measurement[]) => median(runs.map((m) => m.cpu));
  const p50 = (runs: Measurement[]) => median(runs.map((m) => m.p50));
  const produceRows = cases.map((c) => {
    const kafkajsRate = rate(c.runs.kafkajs);
    return [
      `${c.records} × 1 KiB`,
      String(c.connections),
      integer.format(rate(c.runs.proxy)),
      integer.format(rate(c.runs.backend)),
      integer.format(kafkajsRate),
      (rate(c.runs.proxy) / kafkajsRate).toFixed(2),
      (rate(c.runs.backend) / kafkajsRate).toFixed(2),
      `${p50(c.runs.proxy).toFixed(1)} / ${p50(c.runs.backend).toFixed(1)} / ${p50(c.runs.kafkajs).toFixed(1)}`,
      `${integer.format(cpu(c.runs.proxy))} / ${integer.format(cpu(c.runs.backend))} / ${integer.format(cpu(c.runs.kafkajs))}`,
    ];
  });
  const fetchRows = fetched
    ? (["backend", "proxy", "kafkajs"] as Path[]).map((path) => {
        const r = rate(fetched.runs[path]);
        const label = {
          backend: "backend.fetch() (sessionless Fetch at offsets)",
          proxy: `proxy GET …/messages?count=${FETCH_COUNT}`,
          kafkajs: "kafkajs group consumer",
        }[path];
        return [
          label,
          integer.format(r),
          ((r * VALUE_BYTES) / 2 ** 20).toFixed(1),
          (r / rate(fetched.runs.kafkajs)).toFixed(2),
          integer.format(cpu(fetched.runs[path])),
        ];
      })
    : [];
  const cpus = os.cpus();
  return [
    `### Kafka backend vs kafkajs, ${startedAt.toISOString().slice(0, 10)} (bench/kafka.ts)`,
    "",
    `- CPU: ${cpus[0]?.model.trim() ?? "unknown"} (${cpus.length} logical cores), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; kafkajs 2.2.4; broker: ${kafkaVersion()}, one KRaft node on the same machine (JVM -Xmx512m)`,
    `- Load average before / after: ${loadBefore.map((v) => v.toFixed(2)).join(" ")} / ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(" ")}`,
    `- ${RUNS} runs of ${SECONDS} s per path and case after ${WARMUP_SECONDS} s warm-up, order rotated; medians. acks=all, no compression, no keys, ${PARTITIONS} partitions.`,
    "",
    "Produce (records/s; ratio = path / kafkajs producer; proxy = HTTP through `node functions/node.ts`, autocannon in the bench process):",
    "",
    table(
      [
        "records/request",
        "concurrent",
        "proxy",
        "backend",
        "kafkajs",
        "proxy / kafkajs",
        "backend / kafkajs",
        "p50 ms proxy / backend / kafkajs",
        "Node CPU % proxy / backend / kafkajs",
      ],
      produceRows,
      2,
    ),
    "",
    `Fetch (${integer.format(FETCH_RECORDS)} records of 1 KiB from one partition, read from offset 0; ${FETCH_MAX_BYTES / 2 ** 20} MiB per fetch):`,
    "",
    table(["path", "records/s", "MiB/s", "ratio to kafkajs", "Node CPU %"], fetchRows, 1),
    "",
    "Node CPU % counts this process plus the proxy child where the proxy is used (100 % = one core); the broker's CPU is not counted.",
    "",
  ].join("\n");
}

await main();
