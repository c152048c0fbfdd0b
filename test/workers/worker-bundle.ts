/**
 * The Worker as `wrangler deploy` would upload it, built with `--dry-run --outdir` (no account, no
 * network): its size, and any Node-only code that got into it. Used by the bundle test and
 * bench/workers.ts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NODE_ONLY = [/from\s*"node:[^"]+"/g, /require\("node:[^"]+"\)/g, /node_modules\/(kafkajs|ioredis)\//g];

export interface WorkerBundle {
  /** Bytes of the bundled module. */
  raw: number;
  /** Bytes after gzip (zlib's default level). */
  gzip: number;
  /** Imports of node:* modules, and kafkajs or ioredis modules, found in the bundle. */
  nodeOnly: string[];
}

export async function buildWorkerBundle(): Promise<WorkerBundle> {
  const outdir = mkdtempSync(join(tmpdir(), "kep-worker-bundle-"));
  try {
    const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
    const build = spawn(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    build.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => build.once("exit", resolve));
    if (code !== 0) throw new Error(`wrangler deploy --dry-run exited with ${code}:\n${stderr}`);
    const main = readdirSync(outdir).find((file) => file.endsWith(".js"));
    if (main === undefined) throw new Error(`the dry run wrote no .js file to ${outdir}`);
    const bundle = readFileSync(join(outdir, main));
    const text = bundle.toString("utf8");
    const nodeOnly = NODE_ONLY.flatMap((pattern) => text.match(pattern) ?? []);
    return { raw: bundle.length, gzip: gzipSync(bundle).length, nodeOnly };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
