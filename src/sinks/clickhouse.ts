import { isRetriable, parseClickHouseError } from "./clickhouse-errors.ts";
import { type InsertBatch, type InsertResult, type Sink, SinkError, type SinkTarget } from "./types.ts";

export interface ClickHouseSinkOptions {
  /** Defaults to the global fetch (Node, Workers and Lambda all have one). */
  fetch?: typeof fetch;
  /** How long one request may take before it counts as failed (and may be retried). */
  timeoutMs?: number;
  /** gzip the body (CompressionStream); every ClickHouse version accepts it. */
  compress?: boolean;
}

interface Endpoint {
  url: URL;
  headers: Record<string, string>;
}

/** insert_deduplication_token arrived in ClickHouse 22.2; older servers reject it (Code 115). */
function supportsDeduplicationToken(version: string): boolean {
  const [major, minor] = version.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 2);
}

/** Credentials in the URL win over the target's (fetch refuses URLs that carry them). */
function endpointOf(target: SinkTarget): Endpoint {
  const url = new URL(target.url);
  const user = url.username ? decodeURIComponent(url.username) : target.user;
  const password = url.username ? decodeURIComponent(url.password) : target.password;
  url.username = "";
  url.password = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return { url, headers: { "X-ClickHouse-User": user, "X-ClickHouse-Key": password } };
}

async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The ClickHouse sink over HTTP: one `INSERT INTO db.table FORMAT JSONEachRow` per batch, gzip
 * body, classified errors. The server version is asked once per server and user, so that settings
 * an old server does not know are never sent.
 *
 * @example
 * const sink = createClickHouseSink();
 * await sink.insert({ url: "http://127.0.0.1:8123", database: "default", table: "events",
 *   user: "default", password: "" }, { rows: [{ id: 1 }] });
 */
export function createClickHouseSink(options: ClickHouseSinkOptions = {}): Sink {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const compress = options.compress ?? true;
  const versions = new Map<string, Promise<string>>();

  async function request(url: URL, init: RequestInit, signal?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let body: string;
    try {
      response = await send(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      body = await response.text();
    } catch (error) {
      const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : (error as Error).message;
      throw new SinkError(`ClickHouse at ${url.origin} is not reachable: ${reason}`, {
        retriable: true,
        cause: error,
      });
    }
    // An INSERT answers 200 with an empty body; an error can follow a 200 when it happens late.
    const failed = !response.ok || (init.method === "POST" && body.trim() !== "");
    if (!failed) return body;
    const info = parseClickHouseError(body);
    const code = info.code === undefined ? "" : ` Code ${info.code}${info.name ? ` ${info.name}` : ""}:`;
    throw new SinkError(`ClickHouse answered ${response.status}:${code} ${info.message}`, {
      retriable: isRetriable(info.code, response.status),
      serverCode: info.code,
      status: response.status,
    });
  }

  function serverVersion(endpoint: Endpoint, signal?: AbortSignal): Promise<string> {
    const key = `${endpoint.url.href}\n${endpoint.headers["X-ClickHouse-User"]}`;
    let version = versions.get(key);
    if (!version) {
      const url = new URL(endpoint.url);
      url.searchParams.set("query", "SELECT version()");
      version = request(url, { method: "GET", headers: endpoint.headers }, signal).then((v) => v.trim());
      // A failed probe is asked again next time; a server does not change version while it runs.
      version.catch(() => versions.delete(key));
      versions.set(key, version);
    }
    return version;
  }

  return {
    name: "clickhouse",
    async insert(target: SinkTarget, batch: InsertBatch): Promise<InsertResult> {
      const endpoint = endpointOf(target);
      const version = await serverVersion(endpoint, batch.signal);
      if (batch.rows.length === 0) return { rows: 0, bytes: 0, serverVersion: version, deduplicated: false };
      const url = new URL(endpoint.url);
      url.searchParams.set("query", `INSERT INTO ${target.database}.${target.table} FORMAT JSONEachRow`);
      for (const [name, value] of Object.entries(batch.settings ?? {})) {
        url.searchParams.set(name, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
      }
      const deduplicated = batch.deduplicationToken !== undefined && supportsDeduplicationToken(version);
      if (deduplicated)
        url.searchParams.set("insert_deduplication_token", batch.deduplicationToken as string);
      const ndjson = new TextEncoder().encode(`${batch.rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
      const headers: Record<string, string> = {
        ...endpoint.headers,
        "Content-Type": "application/x-ndjson",
      };
      if (compress) headers["Content-Encoding"] = "gzip";
      const body = compress ? await gzip(ndjson) : ndjson;
      await request(url, { method: "POST", headers, body }, batch.signal);
      return { rows: batch.rows.length, bytes: ndjson.length, serverVersion: version, deduplicated };
    },
  };
}
