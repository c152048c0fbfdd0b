/**
 * `wrangler dev` as a child process, as `npm run dev` runs it: the Worker under workerd with
 * miniflare's local KV and Durable Object storage, here in a fresh temporary directory so every
 * start is a new deployment. Used from Node by the conformance suite, end-to-end tests and
 * bench/workers.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../helpers/ports.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const START_TIMEOUT_MS = 60_000;

export interface WranglerDev {
  url: string;
  process: ChildProcess;
  /** What wrangler and the Worker printed so far (last 20 kB). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` with wrangler.toml (or `config`, relative to the repository) plus `vars`
 * (`--var NAME:value`), once it answers GET / with any status.
 */
export async function startWranglerDev(
  vars: Record<string, string> = {},
  config = "wrangler.toml",
): Promise<WranglerDev> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const persistTo = mkdtempSync(join(tmpdir(), "kep-wrangler-"));
  const args = [WRANGLER, "dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--inspector-port", String(inspectorPort), "--persist-to", persistTo);
  args.push("--show-interactive-dev-session=false", "--log-level", "warn");
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  // Its own process group, so that stop() also ends the workerd process wrangler starts.
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(-child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(persistTo, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/`);
      await response.arrayBuffer();
      return { url, process: child, output: () => output, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within ${START_TIMEOUT_MS} ms:\n${output}`);
}
