/**
 * @module `npm run bench:lambda`: cold initialisation of the packaged Lambda handler (module load,
 * top-level await included, plus the first request), as a ratio of a baseline measured in the same
 * run: bench/lambda-baseline.ts, Hono's Lambda adapter with one route, bundled the same way. See
 * docs/benchmarks.md.
 *
 * Every cold start is a fresh process of the Lambda stand-in (test/lambda/host.ts) loading the
 * handler module from disk; the first request is an API Gateway HTTP API event producing one
 * record. Proxy and baseline alternate, one unmeasured start of each first (to fill the page cache
 * as a deployed container's disk would be), then BENCH_RUNS pairs. Reports medians, min–max and
 * the median of the paired proxy/baseline ratios; `--markdown` (or BENCH_MARKDOWN=1) prints the
 * docs/benchmarks.md section.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleLambda } from "../scripts/lambda-bundle.ts";
import { type HttpResult, startLambdaContainer } from "../test/lambda/container.ts";
import { httpEvent } from "../test/lambda/events.ts";
import { ensureLambdaPackage } from "../test/lambda/package.ts";
import { envNumber, machineLine, median } from "./lib.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Math.round(envNumber("BENCH_RUNS", 15, 1));
const MARKDOWN =
  process.argv.includes("--markdown") || ["1", "true", "yes"].includes(process.env.BENCH_MARKDOWN ?? "");

const FIRST_REQUEST = httpEvent("http-api", {
  method: "POST",
  path: "/topics/cold-start",
  headers: {
    "content-type": "application/vnd.kafka.binary.v2+json",
    accept: "application/vnd.kafka.v2+json",
  },
  body: JSON.stringify({ records: [{ value: Buffer.from("cold").toString("base64") }] }),
});

interface ColdStart {
  /** Module load, top-level await included: what Lambda reports as Init Duration. */
  initMs: number;
  firstRequestMs: number;
  totalMs: number;
}

async function coldStart(module: string): Promise<ColdStart> {
  const lambda = await startLambdaContainer(module, { LOG_LEVEL: "warn" });
  try {
    const begun = performance.now();
    const result = await lambda.invoke<HttpResult>("http", FIRST_REQUEST);
    const firstRequestMs = performance.now() - begun;
    if (result.statusCode !== 200 || JSON.parse(result.body).offsets?.[0]?.error_code !== null) {
      throw new Error(`first request failed: ${result.statusCode} ${result.body}`);
    }
    return { initMs: lambda.initMs, firstRequestMs, totalMs: lambda.initMs + firstRequestMs };
  } finally {
    await lambda.stop();
  }
}

const ms = (value: number) => value.toFixed(1);
const spread = (values: number[]) =>
  `${ms(median(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;

const work = mkdtempSync(join(tmpdir(), "kep-lambda-bench-"));
try {
  process.stderr.write("packaging the proxy (when stale) and bundling the baseline\n");
  const modules = {
    baseline: join(work, "baseline.mjs"),
    proxy: await ensureLambdaPackage(),
  };
  await bundleLambda(ROOT, "bench/lambda-baseline.ts", modules.baseline);

  const runs: Record<keyof typeof modules, ColdStart[]> = { baseline: [], proxy: [] };
  await coldStart(modules.baseline);
  await coldStart(modules.proxy);
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? (["baseline", "proxy"] as const) : (["proxy", "baseline"] as const);
    for (const name of order) runs[name].push(await coldStart(modules[name]));
    process.stderr.write(
      `run ${run + 1}/${RUNS}: proxy ${ms(runs.proxy[run].totalMs)} ms, baseline ${ms(runs.baseline[run].totalMs)} ms\n`,
    );
  }

  const ratios = runs.proxy.map((p, i) => p.totalMs / runs.baseline[i].totalMs);
  const rows = (["baseline", "proxy"] as const).map((name) => {
    const of = (field: keyof ColdStart) => spread(runs[name].map((r) => r[field]));
    const size = `${(statSync(modules[name]).size / 1024).toFixed(0)} KiB`;
    return `| ${name} | ${size} | ${of("initMs")} | ${of("firstRequestMs")} | ${of("totalMs")} |`;
  });
  const lines = [
    `Machine: ${machineLine()}. ${RUNS} cold starts of each, medians in ms (min–max).`,
    "",
    "| handler | bundle | module load | first request | cold init (load + first) |",
    "| :------ | -----: | ----------: | ------------: | -----------------------: |",
    ...rows,
    "",
    `Cold init, proxy / baseline: **${median(ratios).toFixed(2)}x** (pairs ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}).`,
  ];
  process.stdout.write(`${MARKDOWN ? lines.join("\n") : lines.join("\n").replaceAll("**", "")}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
