import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";

/**
 * The ClickHouse the sink tests use: CLICKHOUSE_URL when given, else the private clickhouse-server
 * (Debian's 18.16) that scripts/clickhouse.sh starts (idempotent) on port 18123.
 */
export function clickhouseUrl(): string {
  if (process.env.CLICKHOUSE_URL) return process.env.CLICKHOUSE_URL;
  return execFileSync("bash", ["scripts/clickhouse.sh", "start"], { encoding: "utf8" }).trim();
}

/** Runs one statement over HTTP (POST, so writes work too) and returns the body; throws on an error. */
export async function query(url: string, sql: string): Promise<string> {
  const res = await fetch(`${url}/`, { method: "POST", body: sql });
  const body = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${res.status} for ${sql}: ${body}`);
  return body;
}

/** A SELECT's rows as objects (FORMAT JSONEachRow is appended). */
export async function rows(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const body = await query(url, `${sql} FORMAT JSONEachRow`);
  return body
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** How many INSERT statements into `table` the server finished (from system.query_log). */
export async function insertsInto(url: string, table: string): Promise<number> {
  await query(url, "SYSTEM FLUSH LOGS");
  const [row] = await rows(
    url,
    `SELECT count() AS n FROM system.query_log WHERE type = 2 AND query LIKE 'INSERT INTO ${table} %'`,
  );
  return Number(row.n);
}

export interface PrivateClickHouse {
  url: string;
  start(): void;
  stop(): void;
  /** Stops it and deletes its data directory. */
  destroy(): void;
}

/** A clickhouse-server of its own (free port, temp data dir) for a test that stops and restarts it. */
export async function privateClickHouse(): Promise<PrivateClickHouse> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "kep-clickhouse-"));
  const env = {
    ...process.env,
    CLICKHOUSE_PORT: String(port),
    CLICKHOUSE_TCP_PORT: String(await freePort()),
    CLICKHOUSE_DATA_DIR: dir,
  };
  const script = (command: string) =>
    execFileSync("bash", ["scripts/clickhouse.sh", command], { encoding: "utf8", env }).trim();
  const handle: PrivateClickHouse = {
    url: `http://127.0.0.1:${port}`,
    start: () => {
      script("start");
    },
    stop: () => {
      script("stop");
    },
    destroy: () => {
      script("stop");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  handle.start();
  return handle;
}
