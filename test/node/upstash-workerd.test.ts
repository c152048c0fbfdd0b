/**
 * KAFKA_BACKEND=upstash is for Workers: a Worker using the backend (test/node/fixtures/upstash-worker.ts)
 * runs under `wrangler dev` (workerd) and reaches a proxy on the Node entry with nothing but fetch.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";
import { freePort } from "../helpers/ports.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("upstash backend inside workerd", () => {
  let upstream: RunningServer;
  let wrangler: ChildProcess | undefined;
  let workerUrl = "";
  let output = "";
  const directory = mkdtempSync(join(tmpdir(), "kep-upstash-worker-"));

  beforeAll(async () => {
    upstream = await startNodeServer({ UPSTASH_USERNAME: "w", UPSTASH_PASSWORD: "workerd" });
    const config = join(directory, "wrangler.toml");
    const main = join(ROOT, "test/node/fixtures/upstash-worker.ts");
    writeFileSync(
      config,
      `name = "upstash-backend"\nmain = ${JSON.stringify(main)}\ncompatibility_date = "2025-09-01"\n`,
    );
    const [port, inspectorPort] = [await freePort(), await freePort()];
    workerUrl = `http://127.0.0.1:${port}`;
    const args = [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "--config", config];
    args.push("--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort));
    args.push("--persist-to", join(directory, "state"), "--show-interactive-dev-session=false");
    args.push("--log-level", "warn", "--var", `UPSTREAM:${upstream.url}/upstash`);
    // Its own process group, so that stopping it also ends the workerd process wrangler starts.
    wrangler = spawn(process.execPath, args, {
      cwd: directory,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    wrangler.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    wrangler.stderr?.on("data", (chunk) => {
      output += chunk;
    });
  }, 30_000);

  afterAll(async () => {
    if (wrangler?.pid !== undefined && wrangler.exitCode === null) {
      const exited = new Promise((resolve) => wrangler?.once("exit", resolve));
      process.kill(-wrangler.pid, "SIGTERM");
      await exited;
    }
    await upstream?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it("produces, fetches and commits through the dialect with the Workers fetch", async () => {
    let response: Response | undefined;
    for (let attempt = 0; attempt < 120 && !response; attempt++) {
      if (wrangler?.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
      response = await fetch(`${workerUrl}/?topic=from-workerd`).catch(() => undefined);
      if (!response) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(response?.status).toBe(200);
    expect(await response?.json()).toEqual({
      topics: ["from-workerd"],
      values: ["from workerd"],
      committed: [1],
    });
  }, 90_000);
});
