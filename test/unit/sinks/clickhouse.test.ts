import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createClickHouseSink } from "../../../src/sinks/clickhouse.ts";
import { SinkError } from "../../../src/sinks/types.ts";

/**
 * The adapter against a stand-in for a modern ClickHouse (22.2+), which cannot run on this machine
 * (Debian ships 18.16; the integration tests use that real server). It answers like the real one:
 * SELECT version() as text, an INSERT with an empty 200, errors in the new body format.
 */
function modernServer(version: string, answer?: (url: URL, body: string) => Response) {
  const requests: Array<{ url: URL; headers: Headers; body: string }> = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const raw = init.body ? Buffer.from(init.body as Uint8Array) : Buffer.alloc(0);
    const body = headers.get("content-encoding") === "gzip" ? gunzipSync(raw).toString() : raw.toString();
    requests.push({ url, headers, body });
    if (url.searchParams.get("query") === "SELECT version()") return new Response(`${version}\n`);
    return answer?.(url, body) ?? new Response("");
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const target = { url: "http://ch.example:8123", database: "db", table: "events", user: "u", password: "p" };

describe("ClickHouse sink adapter", () => {
  it("sends one gzip JSONEachRow INSERT with the deduplication token to 22.2+, asking the version once", async () => {
    const server = modernServer("23.8.2.7");
    const sink = createClickHouseSink({ fetch: server.fetch });
    const result = await sink.insert(target, {
      rows: [{ a: 1 }, { a: 2, s: "x" }],
      settings: { input_format_skip_unknown_fields: true, max_insert_block_size: 1000 },
      deduplicationToken: "s:t:0:0-1",
    });
    await sink.insert(target, { rows: [{ a: 3 }], deduplicationToken: "s:t:0:2-2" });
    expect(result).toEqual({ rows: 2, bytes: 24, serverVersion: "23.8.2.7", deduplicated: true });
    expect(server.requests.map((r) => r.url.searchParams.get("query"))).toEqual([
      "SELECT version()",
      "INSERT INTO db.events FORMAT JSONEachRow",
      "INSERT INTO db.events FORMAT JSONEachRow",
    ]);
    const insert = server.requests[1];
    expect(insert.body).toBe('{"a":1}\n{"a":2,"s":"x"}\n');
    expect(Object.fromEntries(insert.url.searchParams)).toMatchObject({
      input_format_skip_unknown_fields: "1",
      max_insert_block_size: "1000",
      insert_deduplication_token: "s:t:0:0-1",
    });
    expect(insert.headers.get("x-clickhouse-user")).toBe("u");
    expect(insert.headers.get("x-clickhouse-key")).toBe("p");
  });

  it("never sends the token to a server older than 22.2", async () => {
    for (const version of ["22.1.3.7", "21.8.15.7", "18.16.1"]) {
      const server = modernServer(version);
      const result = await createClickHouseSink({ fetch: server.fetch }).insert(target, {
        rows: [{ a: 1 }],
        deduplicationToken: "s:t:0:0-0",
      });
      expect(result.deduplicated).toBe(false);
      expect(server.requests[1].url.searchParams.has("insert_deduplication_token")).toBe(false);
    }
  });

  it("takes credentials out of the URL into headers (fetch refuses them in URLs)", async () => {
    const server = modernServer("24.3.1");
    await createClickHouseSink({ fetch: server.fetch }).insert(
      { ...target, url: "https://writer:s%40cret@ch.example/clickhouse" },
      { rows: [{ a: 1 }] },
    );
    const insert = server.requests[1];
    expect(insert.url.origin + insert.url.pathname).toBe("https://ch.example/clickhouse/");
    expect(insert.headers.get("x-clickhouse-user")).toBe("writer");
    expect(insert.headers.get("x-clickhouse-key")).toBe("s@cret");
  });

  it("classifies a new-format error by its code", async () => {
    const server = modernServer(
      "23.8.2.7",
      () =>
        new Response(
          "Code: 252. DB::Exception: Too many parts (3001). Merges are processing significantly slower than inserts. (TOO_MANY_PARTS) (version 23.8.2.7 (official build))",
          { status: 500 },
        ),
    );
    const error = await createClickHouseSink({ fetch: server.fetch })
      .insert(target, { rows: [{ a: 1 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect(error).toMatchObject({
      retriable: true,
      serverCode: 252,
      status: 500,
      message:
        "ClickHouse answered 500: Code 252 TOO_MANY_PARTS: Too many parts (3001). Merges are processing significantly slower than inserts.",
    });
  });

  it("treats an error written after a 200 as a failure", async () => {
    const server = modernServer(
      "23.8.2.7",
      () => new Response("Code: 241. DB::Exception: Memory limit exceeded. (MEMORY_LIMIT_EXCEEDED)"),
    );
    const error = await createClickHouseSink({ fetch: server.fetch })
      .insert(target, { rows: [{ a: 1 }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ retriable: false, serverCode: 241, status: 200 });
  });

  it("fails retriably on a timeout, and asks the version again after a failed probe", async () => {
    let calls = 0;
    const hanging = (async (_input: string | URL | Request, init: RequestInit = {}) => {
      calls++;
      return new Promise<Response>((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    }) as typeof fetch;
    const sink = createClickHouseSink({ fetch: hanging, timeoutMs: 50 });
    for (let i = 0; i < 2; i++) {
      const error = await sink.insert(target, { rows: [{ a: 1 }] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ retriable: true });
      expect((error as Error).message).toBe(
        "ClickHouse at http://ch.example:8123 is not reachable: timed out after 50 ms",
      );
    }
    expect(calls).toBe(2);
  });
});
