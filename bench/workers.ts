/**
 * @module `npm run bench:workers`: the Worker's size and its produce throughput under `wrangler dev`
 * against the Node entry, same machine, same run. See docs/benchmarks.md.
 *
 * 1. Bundle: `wrangler deploy --dry-run --outdir` (what would be uploaded), its size raw and gzip,
 *    and a check that no node:* module, kafkajs or ioredis got into it.
 * 2. Throughput: the Worker under `wrangler dev` (workerd behind wrangler's local proxy, embedded
 *    log, consumer state in the Durable Object) and `node functions/node.ts` (embedded log), both
 *    LOG_LEVEL=warn, get the same produce load from autocannon (one 1 KiB binary record per
 *    request), one after the other, alternating which goes first, BENCH_RUNS times per connection
 *    count; medians, and the medians of the paired ratios. A bare Worker (bench/worker-baseline.ts)
 *    under `wrangler dev` gets the same load, to show what wrangler dev itself costs. The topic is
 *    deleted after every run so that the in-memory logs stay small.
 *
 * Settings: BENCH_SECONDS (per run, default 5), BENCH_RUNS (default 3), BENCH_WARMUP_SECONDS
 * (default 2), BENCH_CONNECTIONS (default "1,8"). `--markdown` prints the docs section.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { buildWorkerBundle, type WorkerBundle } from "../test/workers/worker-bundle.ts";
import { startWranglerDev } from "../test/workers/wrangler-dev.ts";
import { envList, envNumber, freePort, machineLine, median } from "./lib.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SECONDS = envNumber("BENCH_SECONDS", 5, 1);
const RUNS = Math.round(envNumber("BENCH_RUNS", 3, 1));
const WARMUP_SECONDS = envNumber("BENCH_WARMUP_SECONDS", 2, 0);
const CONNECTIONS = envList("BENCH_CONNECTIONS", [1, 8]);
const MARKDOWN = process.argv.includes("--markdown");
const TOPIC = "bench-workers";
const HEADERS = {
  "content-type": "application/vnd.kafka.binary.v2+json",
  accept: "application/vnd.kafka.v2+json",
};
const BODY = JSON.stringify({ records: [{ value: randomBytes(1024).toString("base64") }] });

const log = (message: string) => process.stderr.write(`${message}\n`);

interface Target {
  name: "node" | "worker" | "bare";
  url: string;
  stop(): Promise<void>;
}

async function startNode(): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ["functions/node.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, () => child.exitCode !== null);
  return {
    name: "node",
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function startWorker(): Promise<Target> {
  const worker = await startWranglerDev({ LOG_LEVEL: "warn" });
  return { name: "worker", url: worker.url, stop: () => worker.stop() };
}

async function startBareWorker(): Promise<Target> {
  const worker = await startWranglerDev({}, "bench/wrangler-baseline.toml");
  return { name: "bare", url: worker.url, stop: () => worker.stop() };
}

async function waitForHealth(url: string, exited: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300 && !exited(); attempt++) {
    try {
      const response = await fetch(`${url}/`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Requests per second of one run; every response must be a 200. */
async function produceLoad(target: Target, connections: number, seconds: number): Promise<number> {
  const result = await autocannon({
    url: `${target.url}/topics/${TOPIC}`,
    method: "POST",
    headers: HEADERS,
    body: BODY,
    connections,
    duration: seconds,
    timeout: 10,
  });
  const deleted = await fetch(`${target.url}/v3/clusters/embedded/topics/${TOPIC}`, { method: "DELETE" });
  await deleted.arrayBuffer();
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return result.requests.total / result.duration;
}

interface Case {
  connections: number;
  rps: Record<Target["name"], number[]>;
  /** Per run: the Worker's req/s over Node's, and over the bare Worker's. */
  workerToNode: number[];
  workerToBare: number[];
}

async function main(): Promise<void> {
  const bundle = await buildWorkerBundle();
  log(`bundle: ${bundle.raw} B, gzip ${bundle.gzip} B, Node-only imports: ${bundle.nodeOnly.length}`);

  const targets = [await startNode(), await startWorker(), await startBareWorker()];
  const cases: Case[] = [];
  try {
    for (const connections of CONNECTIONS) {
      for (const target of targets) await produceLoad(target, connections, WARMUP_SECONDS);
      const result: Case = {
        connections,
        rps: { node: [], worker: [], bare: [] },
        workerToNode: [],
        workerToBare: [],
      };
      for (let run = 0; run < RUNS; run++) {
        // Rotate who goes first, so that drift in the machine's load spreads over all three.
        const order = targets.map((_, i) => targets[(i + run) % targets.length]);
        const rps: Partial<Record<Target["name"], number>> = {};
        for (const target of order) {
          const measured = await produceLoad(target, connections, SECONDS);
          rps[target.name] = measured;
          result.rps[target.name].push(measured);
          log(`${connections} conn, run ${run + 1}: ${target.name} ${measured.toFixed(0)} req/s`);
        }
        const { node = Number.NaN, worker = Number.NaN, bare = Number.NaN } = rps;
        result.workerToNode.push(worker / node);
        result.workerToBare.push(worker / bare);
      }
      cases.push(result);
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
  report(bundle, cases);
  if (bundle.nodeOnly.length > 0) {
    log(`Node-only code in the Worker bundle: ${[...new Set(bundle.nodeOnly)].join(", ")}`);
    process.exitCode = 1;
  }
}

function report(bundle: WorkerBundle, cases: Case[]): void {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rps = (values: number[]) => median(values).toFixed(0);
  const lines = [
    `Machine: ${machineLine()}; ${SECONDS} s per run, ${RUNS} runs per target, interleaved.`,
    "",
    `Worker bundle (\`wrangler deploy --dry-run\`): ${kib(bundle.raw)}, **${kib(bundle.gzip)} gzip**; node:* / kafkajs / ioredis imports: ${bundle.nodeOnly.length}.`,
    "",
    "| connections | Node req/s | Worker under wrangler dev req/s | bare Worker under wrangler dev req/s | Worker / Node | Worker / bare Worker |",
    "| --- | --- | --- | --- | --- | --- |",
    ...cases.map(
      (c) =>
        `| ${c.connections} | ${rps(c.rps.node)} | ${rps(c.rps.worker)} | ${rps(c.rps.bare)} | ${median(c.workerToNode).toFixed(2)} | ${median(c.workerToBare).toFixed(2)} |`,
    ),
  ];
  if (MARKDOWN) process.stdout.write(`${lines.join("\n")}\n`);
  else process.stdout.write(`${JSON.stringify({ bundle, cases }, null, 2)}\n${lines.join("\n")}\n`);
}

await main();
