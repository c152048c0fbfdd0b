/**
 * @module `npm run bench`: produce throughput of the proxy as a ratio of a bare Hono handler measured
 * in the same run on the same machine (bench/baseline-server.ts). See docs/benchmarks.md.
 *
 * For each case (records per request x connections) it starts both servers as fresh child
 * processes, checks one request on each, warms both up, then runs autocannon against them in turn,
 * alternating which goes first, BENCH_RUNS times, and reports medians and the median of the paired
 * proxy/baseline ratios. Progress goes to stderr, results to stdout; `--markdown` (or
 * BENCH_MARKDOWN=1) prints them as the section pasted into docs/benchmarks.md.
 *
 * Settings from the environment: BENCH_SECONDS (per run, default 5), BENCH_RUNS (per server and
 * case, default 3), BENCH_WARMUP_SECONDS (default 2), BENCH_RECORDS (default "1,100"),
 * BENCH_CONNECTIONS (default "1,8,32"), BENCH_PURGE_MS (how often the run's topic is deleted while
 * it runs, bounding what the in-memory log retains; default 1000, 0 = only after the run),
 * BENCH_PROFILE (a directory: the proxy runs with --cpu-prof and writes one .cpuprofile per case
 * there; profiling slows it, so do not report the numbers of such a run).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon, { type Result } from "autocannon";
import { cpuSeconds, envList, envNumber, freePort, median } from "./lib.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const VALUE_BYTES = 1024;
const PARTITIONS = 3;
/** The cluster id of the proxy's in-memory backend, for the v3 topic delete. */
const CLUSTER_ID = "embedded";
const HEADERS = {
  "content-type": "application/vnd.kafka.binary.v2+json",
  accept: "application/vnd.kafka.v2+json",
};

const SECONDS = envNumber("BENCH_SECONDS", 5, 1);
const RUNS = Math.round(envNumber("BENCH_RUNS", 3, 1));
const WARMUP_SECONDS = envNumber("BENCH_WARMUP_SECONDS", 2, 0);
const PURGE_MS = envNumber("BENCH_PURGE_MS", 1000, 0);
const RECORDS = envList("BENCH_RECORDS", [1, 100]);
const CONNECTIONS = envList("BENCH_CONNECTIONS", [1, 8, 32]);
const PROFILE_DIR = process.env.BENCH_PROFILE?.trim() || undefined;
const MARKDOWN =
  process.argv.includes("--markdown") || ["1", "true", "yes"].includes(process.env.BENCH_MARKDOWN ?? "");

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface Server {
  name: string;
  child: ChildProcess;
  pid: number;
  url: string;
  stderr: () => string;
}

const live = new Set<ChildProcess>();

// Last resort against orphans: whatever is still running when this process exits is killed.
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping the servers`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

/**
 * Starts `node <script>` and resolves once it listens: on its `{"msg":"listening","port":N}` stdout
 * line, or, when `port` is given, also when GET /healthz answers (the proxy logs that line at info
 * level, which LOG_LEVEL=warn silences).
 */
function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
  port?: number,
): Promise<Server> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // Read stdout to the end so that a chatty child never blocks on a full pipe.
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });

  return new Promise<Server>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, listeningPort?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error || listeningPort === undefined || child.pid === undefined) {
        child.kill("SIGKILL");
        reject(error ?? new Error(`${name} did not start`));
        return;
      }
      resolve({ name, child, pid: child.pid, url: `http://${HOST}:${listeningPort}`, stderr: () => stderr });
    };
    const timer = setTimeout(
      () => finish(new Error(`${name} did not listen within 15 s:\n${stderr}`)),
      15_000,
    );
    lines.on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
        if (entry.msg === "listening" && typeof entry.port === "number") finish(undefined, entry.port);
      } catch {
        // Not a JSON log line.
      }
    });
    child.once("error", (error) => finish(error));
    child.once("exit", (code, signal) =>
      finish(new Error(`${name} exited (${code ?? signal}) before listening:\n${stderr}`)),
    );
    if (port !== undefined) {
      const poll = async () => {
        while (!settled) {
          try {
            const response = await fetch(`http://${HOST}:${port}/healthz`);
            await response.arrayBuffer();
            if (response.ok) return finish(undefined, port);
          } catch {
            // Not listening yet.
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      void poll();
    }
  });
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

function assertAlive(server: Server): void {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(`${server.name} exited (${child.exitCode ?? child.signalCode}):\n${server.stderr()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// /proc readings (Linux only; other systems report n/a)

/** Peak resident set size (VmHWM) in MiB. */
function peakRssMiB(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Run {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per request, microseconds. */
  cpuPerRequest: number | undefined;
  /** Server CPU while the run lasted, percent of one core. */
  serverCpu: number | undefined;
  /** This process (autocannon) CPU while the run lasted, percent of one core. */
  clientCpu: number;
}

function produceBody(records: number): string {
  const values = Array.from({ length: records }, () => ({
    value: randomBytes(VALUE_BYTES).toString("base64"),
  }));
  return JSON.stringify({ records: values });
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function deleteTopic(server: Server, topic: string): Promise<number> {
  const response = await fetch(`${server.url}/v3/clusters/${CLUSTER_ID}/topics/${topic}`, {
    method: "DELETE",
    headers: { accept: "application/json" },
  });
  await response.arrayBuffer();
  return response.status;
}

/** One request outside the measurement: the server answers 200, and the proxy with one offset per record. */
async function checkProduce(server: Server, topic: string, body: string, records: number, proxy: boolean) {
  const response = await fetch(`${server.url}/topics/${topic}`, { method: "POST", headers: HEADERS, body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${server.name} answered ${response.status}: ${text}`);
  if (!proxy) return;
  const { offsets } = JSON.parse(text) as { offsets?: Array<{ partition?: unknown; error_code?: unknown }> };
  if (
    !Array.isArray(offsets) ||
    offsets.length !== records ||
    offsets.some((o) => typeof o.partition !== "number" || o.error_code !== null)
  ) {
    throw new Error(`${server.name} answered an unexpected produce response: ${text.slice(0, 500)}`);
  }
  const status = await deleteTopic(server, topic);
  if (status !== 204) throw new Error(`${server.name} answered ${status} to deleting topic ${topic}`);
}

async function measure(
  server: Server,
  topic: string,
  body: string,
  connections: number,
  seconds: number,
  proxy: boolean,
): Promise<Run> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const unexpected = new Map<number, number>();
  // Deleting the topic while the run goes on bounds what the in-memory log holds; produce re-creates it.
  const purge =
    proxy && PURGE_MS > 0
      ? setInterval(() => void deleteTopic(server, topic).catch(() => undefined), PURGE_MS)
      : undefined;

  const serverCpu0 = cpuSeconds(server.pid);
  const clientCpu0 = process.cpuUsage();
  const started = performance.now();
  let result: Result;
  let elapsed: number;
  let clientCpu: NodeJS.CpuUsage;
  let serverCpu1: number | undefined;
  try {
    const instance = autocannon({
      url: `${server.url}/topics/${topic}`,
      method: "POST",
      headers: HEADERS,
      body,
      connections,
      pipelining: 1,
      duration: seconds,
      timeout: 10,
    });
    instance.on("response", (_client: unknown, statusCode: unknown, _bytes: unknown, ms: unknown) => {
      const status = Number(statusCode);
      if (status !== 200) {
        unexpected.set(status, (unexpected.get(status) ?? 0) + 1);
        return;
      }
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = Number(ms);
    });
    result = await instance;
    elapsed = (performance.now() - started) / 1000;
    clientCpu = process.cpuUsage(clientCpu0);
    serverCpu1 = cpuSeconds(server.pid);
  } finally {
    if (purge) clearInterval(purge);
  }

  assertAlive(server);
  if (unexpected.size > 0 || result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    const statuses = [...unexpected].map(([status, n]) => `${n} x ${status}`).join(", ");
    throw new Error(
      `${server.name}: not every response was 200 (${statuses || "none"}; autocannon non2xx ${result.non2xx}, ` +
        `errors ${result.errors}, timeouts ${result.timeouts}):\n${server.stderr()}`,
    );
  }
  if (count === 0) throw new Error(`${server.name}: no response in ${seconds} s`);
  if (proxy) {
    const status = await deleteTopic(server, topic);
    // 404: a purge just deleted it and no request re-created it before the run stopped.
    if (status !== 204 && status !== 404)
      throw new Error(`${server.name} answered ${status} to a topic delete`);
  }

  const sorted = latencies.subarray(0, count).sort();
  const serverCpuUsed =
    serverCpu0 !== undefined && serverCpu1 !== undefined ? serverCpu1 - serverCpu0 : undefined;
  return {
    requests: count,
    rps: count / result.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuPerRequest: serverCpuUsed === undefined ? undefined : (serverCpuUsed * 1e6) / count,
    serverCpu: serverCpuUsed === undefined ? undefined : (serverCpuUsed / elapsed) * 100,
    clientCpu: ((clientCpu.user + clientCpu.system) / 1e6 / elapsed) * 100,
  };
}

// ---------------------------------------------------------------------------------------------
// Summaries

interface Spread {
  median: number;
  min: number;
  max: number;
}

interface CaseResult {
  records: number;
  connections: number;
  baseline: Run[];
  proxy: Run[];
  baselinePeakRss: number | undefined;
  proxyPeakRss: number | undefined;
}

function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

function medianOf(runs: Run[], pick: (run: Run) => number | undefined): number | undefined {
  const values = runs.map(pick);
  return values.every((v) => v !== undefined) ? median(values as number[]) : undefined;
}

/** Ratios of the runs made back to back (run i of the proxy with run i of the baseline). */
function pairedRatios(c: CaseResult, pick: (run: Run) => number | undefined): Spread | undefined {
  const ratios: number[] = [];
  for (let i = 0; i < c.proxy.length; i++) {
    const p = pick(c.proxy[i]);
    const b = pick(c.baseline[i]);
    if (p === undefined || b === undefined || b === 0) return undefined;
    ratios.push(p / b);
  }
  return spread(ratios);
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function num(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? "n/a" : integer.format(value);
}

function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "n/a";
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function ratio(s: Spread | undefined): string {
  if (!s) return "n/a";
  return `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

function renderTable(headers: string[], rows: string[][], markdown: boolean): string {
  // The first two columns (the case) are left-aligned, the numbers right-aligned.
  const left = (i: number) => i < 2;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const pad = (cell: string, i: number) => (left(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i]));
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.map(pad).join(" | ")} |`;
    const rule = line(widths.map((w, i) => (left(i) ? `:${"-".repeat(w - 1)}` : `${"-".repeat(w - 1)}:`)));
    return [line(headers), rule, ...rows.map(line)].join("\n");
  }
  const line = (cells: string[]) => cells.map(pad).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The commit measured, and whether src/ or functions/ differ from it (read-only git commands). */
function codeVersion(): string {
  const git = (args: string[]) =>
    execFileSync("git", args, {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    });
  try {
    const commit = git(["rev-parse", "--short", "HEAD"]).trim();
    const changed = git(["diff", "--name-only", "HEAD", "--", "src", "functions"]).trim() !== "";
    const untracked =
      git(["ls-files", "--others", "--exclude-standard", "--", "src", "functions"]).trim() !== "";
    return changed || untracked ? `${commit} with uncommitted changes in src/ or functions/` : commit;
  } catch {
    return "unknown (not a git checkout)";
  }
}

function machineDescription(started: Date, loadBefore: number[], code: string): Array<[string, string]> {
  const cpus = os.cpus();
  const available = os.availableParallelism();
  const cores = `${cpus.length} logical cores${available !== cpus.length ? `, ${available} available` : ""}`;
  const description: Array<[string, string]> = [["CPU", `${cpus[0]?.model.trim() ?? "unknown"} (${cores})`]];
  try {
    const quota = readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim();
    if (!quota.startsWith("max")) description.push(["cgroup CPU limit", quota]);
  } catch {
    // No cgroup v2 CPU limit to report.
  }
  let autocannonVersion = "unknown";
  try {
    const require = createRequire(import.meta.url);
    autocannonVersion = (require("autocannon/package.json") as { version: string }).version;
  } catch {
    // Reported as unknown.
  }
  description.push(
    ["Code", code],
    ["Memory", `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ["OS", `${os.type()} ${os.release()} (${os.arch()})`],
    ["Node", process.version],
    ["autocannon", autocannonVersion],
    ["Date", started.toISOString()],
    [
      "Load average before / after",
      `${loadBefore.map((v) => v.toFixed(2)).join(" ")} / ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(" ")}`,
    ],
  );
  return description;
}

function report(results: CaseResult[], started: Date, loadBefore: number[], code: string): string {
  const recordsLabel = (n: number) => `${n} × 1 KiB`;
  const throughput = renderTable(
    [
      "records/request",
      "connections",
      "proxy/baseline req/s",
      "proxy/baseline CPU per request",
      "proxy req/s",
      "proxy records/s",
      "baseline req/s",
    ],
    results.map((c) => [
      recordsLabel(c.records),
      String(c.connections),
      ratio(pairedRatios(c, (r) => r.rps)),
      ratio(pairedRatios(c, (r) => r.cpuPerRequest)),
      num(medianOf(c.proxy, (r) => r.rps)),
      num(medianOf(c.proxy, (r) => r.rps * c.records)),
      num(medianOf(c.baseline, (r) => r.rps)),
    ]),
    MARKDOWN,
  );
  const latency = renderTable(
    [
      "records/request",
      "connections",
      "p50 ms proxy / baseline",
      "p99 ms proxy / baseline",
      "server CPU µs/req proxy / baseline",
      "server CPU % proxy / baseline",
      "client CPU % proxy / baseline runs",
      "peak RSS MiB proxy / baseline",
    ],
    results.map((c) => {
      const both = (pick: (run: Run) => number | undefined, format: (v: number | undefined) => string) =>
        `${format(medianOf(c.proxy, pick))} / ${format(medianOf(c.baseline, pick))}`;
      return [
        recordsLabel(c.records),
        String(c.connections),
        both((r) => r.p50, ms),
        both((r) => r.p99, ms),
        both((r) => r.cpuPerRequest, num),
        both((r) => r.serverCpu, num),
        both((r) => r.clientCpu, num),
        `${num(c.proxyPeakRss)} / ${num(c.baselinePeakRss)}`,
      ];
    }),
    MARKDOWN,
  );
  const machine = machineDescription(started, loadBefore, code);
  const settings =
    `${RUNS} run${RUNS === 1 ? "" : "s"} of ${SECONDS} s per server and case, alternating which server goes first, after ` +
    `${WARMUP_SECONDS} s of warm-up each; fresh server processes per case; topic purged every ` +
    `${PURGE_MS > 0 ? `${PURGE_MS} ms` : "run"}.`;
  const ratiosNote =
    "Ratios: median of the paired runs (min–max in brackets); req/s, latency and CPU: medians of the runs.";
  if (MARKDOWN) {
    return [
      `### Run of ${started.toISOString().slice(0, 10)}`,
      "",
      ...machine.map(([k, v]) => `- ${k}: ${v}`),
      `- Settings: ${settings}`,
      "",
      "Throughput (proxy / baseline: 1.00 means no overhead; higher CPU ratio = more work per request):",
      "",
      throughput,
      "",
      "Latency, CPU and memory (proxy / baseline):",
      "",
      latency,
      "",
      ratiosNote,
      "",
    ].join("\n");
  }
  return [
    "Machine",
    ...machine.map(([k, v]) => `  ${k}: ${v}`),
    `  Settings: ${settings}`,
    "",
    "Throughput",
    throughput,
    "",
    "Latency, CPU and memory",
    latency,
    "",
    ratiosNote,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Main

async function runCase(records: number, connections: number, body: string): Promise<CaseResult> {
  let baseline: Server | undefined;
  let proxy: Server | undefined;
  try {
    baseline = await startServer("baseline", ["bench/baseline-server.ts"], { PORT: "0", HOST });
    const proxyPort = await freePort();
    proxy = await startServer(
      "proxy",
      [...(PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : []), "functions/node.ts"],
      {
        PORT: String(proxyPort),
        HOST,
        LOG_LEVEL: "warn",
        DEFAULT_PARTITIONS: String(PARTITIONS),
        KAFKA_BACKEND: "memory",
        AUTO_CREATE_TOPICS: "true",
      },
      proxyPort,
    );
    const topicPrefix = `bench-${records}r-${connections}c`;
    await checkProduce(baseline, `${topicPrefix}-check`, body, records, false);
    await checkProduce(proxy, `${topicPrefix}-check`, body, records, true);
    if (WARMUP_SECONDS > 0) {
      await measure(baseline, `${topicPrefix}-warmup`, body, connections, WARMUP_SECONDS, false);
      await measure(proxy, `${topicPrefix}-warmup`, body, connections, WARMUP_SECONDS, true);
    }
    const result: CaseResult = {
      records,
      connections,
      baseline: [],
      proxy: [],
      baselinePeakRss: undefined,
      proxyPeakRss: undefined,
    };
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? (["baseline", "proxy"] as const) : (["proxy", "baseline"] as const);
      for (const which of order) {
        const server = which === "proxy" ? proxy : baseline;
        const measured = await measure(
          server,
          `${topicPrefix}-${run}`,
          body,
          connections,
          SECONDS,
          which === "proxy",
        );
        result[which].push(measured);
        log(
          `    run ${run + 1} ${which.padEnd(8)} ${num(measured.rps).padStart(7)} req/s  p50 ${ms(measured.p50)} ms  ` +
            `p99 ${ms(measured.p99)} ms  server CPU ${num(measured.serverCpu)} %  client CPU ${num(measured.clientCpu)} %`,
        );
      }
    }
    result.baselinePeakRss = peakRssMiB(baseline.pid);
    result.proxyPeakRss = peakRssMiB(proxy.pid);
    return result;
  } finally {
    await Promise.all([stopServer(proxy), stopServer(baseline)]);
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = os.loadavg();
  // Each case starts fresh processes: this is the code they load unless someone edits it meanwhile.
  const code = codeVersion();
  const cases = RECORDS.flatMap((records) => CONNECTIONS.map((connections) => ({ records, connections })));
  const estimate = cases.length * (2 * WARMUP_SECONDS + 2 * RUNS * SECONDS + 2);
  log(
    `${cases.length} case(s), ${RUNS} run(s) x ${SECONDS} s per server: about ${Math.ceil(estimate / 60)} min ` +
      `(load average ${loadBefore.map((v) => v.toFixed(2)).join(" ")})`,
  );
  if (PROFILE_DIR)
    log(`BENCH_PROFILE: writing proxy CPU profiles to ${PROFILE_DIR}; the numbers are not valid`);
  const bodies = new Map(RECORDS.map((records) => [records, produceBody(records)]));
  const results: CaseResult[] = [];
  for (const [i, { records, connections }] of cases.entries()) {
    const body = bodies.get(records) ?? produceBody(records);
    log(
      `[${i + 1}/${cases.length}] ${records} record(s)/request (${body.length} B body), ${connections} connection(s)`,
    );
    results.push(await runCase(records, connections, body));
  }
  process.stdout.write(report(results, started, loadBefore, code));
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
