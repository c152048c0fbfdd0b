import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { createInterface } from "node:readline";

export interface RunningServer {
  url: string;
  process: ChildProcess;
  /** Every stdout line so far, parsed when it is JSON. */
  lines: Array<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Servers started by this test process; none may outlive it, even when a test times out. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts `node functions/node.ts` on an ephemeral port and resolves once it logs "listening".
 * Rejects with its stderr if it exits first.
 */
export function startNodeServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, ["functions/node.ts"], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = { text: line };
      }
      lines.push(entry);
      if (entry.msg === "listening") {
        resolve({
          url: `http://127.0.0.1:${entry.port}`,
          process: child,
          lines,
          stop(signal = "SIGTERM") {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
}

/** Runs the Node entry to completion and returns its exit code and stderr (for startup failures). */
export function runNodeEntry(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["functions/node.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

/** One HTTP/1.1 request with any method and body (fetch() cannot send a GET body). */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method,
      headers: {
        "Content-Type": "application/vnd.kafka.v2+json",
        Accept: "application/vnd.kafka.v2+json",
        "Content-Length": Buffer.byteLength(body),
      },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
