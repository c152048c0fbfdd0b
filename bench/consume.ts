/**
 * Consume throughput through the proxy's v2 consumer API (kafka backend, consumer state in Redis)
 * against fetching the same records straight from the same broker in this process, in one run;
 * and the state-store operations each read costs, counted by Redis itself (INFO commandstats).
 *
 * `node bench/consume.ts` (`--markdown` prints the docs section). The broker and Redis are the
 * test ones (scripts/kafka.sh, scripts/redis.sh), or KAFKA_BROKERS / REDIS_URL.
 * Settings: BENCH_RECORDS (30000), BENCH_RUNS (3), BENCH_MAX_BYTES per read (1048576).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createKafkajsBackend } from "../src/backends/kafkajs.ts";
import type { KafkaBackend } from "../src/backends/types.ts";
import { envNumber, freePort, machineLine, median } from "./lib.ts";

const RECORDS = Math.round(envNumber("BENCH_RECORDS", 30_000, 1000));
const RUNS = Math.round(envNumber("BENCH_RUNS", 3, 1));
const MAX_BYTES = Math.round(envNumber("BENCH_MAX_BYTES", 1024 * 1024, 1024));
const PARTITIONS = 3;
const VALUE_BYTES = 1024;
const MARKDOWN = process.argv.includes("--markdown");
const V2 = "application/vnd.kafka.v2+json";
const log = (message: string) => process.stderr.write(`${message}\n`);

function service(script: string, env: string): string {
  return (
    process.env[env]?.trim() ||
    execFileSync("bash", [script, "start"], { encoding: "utf8" }).trim().split("\n").pop() ||
    ""
  );
}

interface Run {
  seconds: number;
  reads: number;
  /** Redis commands per read, by kind. */
  gets: number;
  writes: number;
  lists: number;
}

async function directRun(backend: KafkaBackend, topic: string): Promise<Run> {
  const started = performance.now();
  let reads = 0;
  let total = 0;
  const offsets = Array.from({ length: PARTITIONS }, () => 0);
  while (total < RECORDS) {
    const fetched = await backend.fetch(
      offsets.map((offset, partition) => ({ topic, partition, offset })),
      { maxBytes: MAX_BYTES, maxWaitMs: 500 },
    );
    reads++;
    for (const p of fetched) {
      const fresh = p.records.filter((r) => r.offset >= offsets[p.partition]);
      total += fresh.length;
      if (fresh.length > 0) offsets[p.partition] = fresh[fresh.length - 1].offset + 1;
    }
  }
  return { seconds: (performance.now() - started) / 1000, reads, gets: 0, writes: 0, lists: 0 };
}

async function commandCounts(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info("commandstats");
  const counts: Record<string, number> = {};
  for (const match of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) counts[match[1]] = Number(match[2]);
  return counts;
}

async function proxyRun(url: string, redis: Redis, topic: string, run: number): Promise<Run> {
  const group = `bench-consume-${Date.now()}-${run}`;
  const headers = { "Content-Type": V2, Accept: V2 };
  const base = `${url}/consumers/${group}/instances/c`;
  await fetch(`${url}/consumers/${group}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "c", "auto.offset.reset": "earliest", "auto.commit.enable": "false" }),
  });
  await fetch(`${base}/subscription`, { method: "POST", headers, body: JSON.stringify({ topics: [topic] }) });
  const before = await commandCounts(redis);
  const started = performance.now();
  let reads = 0;
  let total = 0;
  while (total < RECORDS) {
    const res = await fetch(`${base}/records?timeout=500&max_bytes=${MAX_BYTES}`, {
      headers: { Accept: "application/vnd.kafka.binary.v2+json" },
    });
    if (res.status !== 200) throw new Error(`read failed: ${res.status} ${await res.text()}`);
    total += ((await res.json()) as unknown[]).length;
    reads++;
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await commandCounts(redis);
  const delta = (...names: string[]) => names.reduce((sum, n) => sum + (after[n] ?? 0) - (before[n] ?? 0), 0);
  await fetch(base, { method: "DELETE", headers });
  // INFO itself is counted once between the two readings.
  return {
    seconds,
    reads,
    gets: delta("hmget") / reads,
    writes: delta("evalsha", "eval") / reads,
    lists: delta("scan") / reads,
  };
}

async function startProxy(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["functions/node.ts"], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error("proxy did not start");
}

async function main(): Promise<void> {
  const brokers = service("scripts/kafka.sh", "KAFKA_BROKERS");
  const redisUrl = service("scripts/redis.sh", "REDIS_URL");
  const backend = createKafkajsBackend({ brokers: brokers.split(","), clientId: "kep-bench-consume" });
  const redis = new Redis(redisUrl);
  const topic = `bench-consume-${Date.now()}`;
  await backend.createTopic({ topic, partitions: PARTITIONS });
  const value = randomBytes(VALUE_BYTES);
  for (let i = 0; i < RECORDS; i += 500) {
    await backend.produce(
      topic,
      Array.from({ length: Math.min(500, RECORDS - i) }, (_, j) => ({
        key: null,
        value,
        partition: (i + j) % PARTITIONS,
      })),
    );
  }
  log(`produced ${RECORDS} records of ${VALUE_BYTES} bytes to ${topic}`);
  const proxy = await startProxy({ KAFKA_BACKEND: "kafka", KAFKA_BROKERS: brokers, STATE_STORE: redisUrl });
  const direct: Run[] = [];
  const viaProxy: Run[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // Alternate which path goes first, so neither always gets the warmer caches.
      const order = run % 2 === 0 ? ["direct", "proxy"] : ["proxy", "direct"];
      for (const path of order) {
        const result =
          path === "direct" ? await directRun(backend, topic) : await proxyRun(proxy.url, redis, topic, run);
        (path === "direct" ? direct : viaProxy).push(result);
        log(`${path}: ${(RECORDS / result.seconds).toFixed(0)} records/s over ${result.reads} reads`);
      }
    }
  } finally {
    proxy.child.kill("SIGTERM");
    await backend.deleteTopic(topic).catch(() => undefined);
    await backend.close();
    redis.disconnect();
  }
  report(direct, viaProxy);
}

function report(direct: Run[], viaProxy: Run[]): void {
  const rate = (runs: Run[]) => median(runs.map((r) => RECORDS / r.seconds));
  const mb = (runs: Run[]) => (rate(runs) * VALUE_BYTES) / 2 ** 20;
  const lines = [
    `Machine: ${machineLine()}; Kafka broker and Redis on the same machine.`,
    `${RECORDS} records of ${VALUE_BYTES} B in ${PARTITIONS} partitions, ${MAX_BYTES} max bytes per read, ${RUNS} runs, medians.`,
    "",
    "| path | records/s | MiB/s | reads | ratio |",
    "|---|--:|--:|--:|--:|",
    `| direct: \`backend.fetch()\` in-process | ${rate(direct).toFixed(0)} | ${mb(direct).toFixed(1)} | ${median(direct.map((r) => r.reads))} | 1.00 |`,
    `| proxy: \`GET .../records\` (Redis state) | ${rate(viaProxy).toFixed(0)} | ${mb(viaProxy).toFixed(1)} | ${median(viaProxy.map((r) => r.reads))} | ${(rate(viaProxy) / rate(direct)).toFixed(2)} |`,
    "",
    `State store per proxy read (Redis commands, median): ${median(viaProxy.map((r) => r.gets)).toFixed(2)} reads (HMGET), ${median(viaProxy.map((r) => r.writes)).toFixed(2)} conditional writes (EVALSHA), ${median(viaProxy.map((r) => r.lists)).toFixed(2)} scans.`,
  ];
  process.stdout.write(`${MARKDOWN ? lines.join("\n") : lines.join("\n").replaceAll("|", " ")}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    log(String(error?.stack ?? error));
    process.exit(1);
  },
);
