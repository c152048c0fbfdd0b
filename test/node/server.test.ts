import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base64, V2, V2_BINARY } from "../helpers/app.ts";
import { type RunningServer, rawRequest, runNodeEntry, startNodeServer } from "../helpers/node-server.ts";

describe("the Node entry (functions/node.ts) over real HTTP", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startNodeServer({ DEFAULT_PARTITIONS: "2" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("produces and reads back over a real socket", async () => {
    const produced = await fetch(`${server.url}/topics/node-test`, {
      method: "POST",
      headers: { "Content-Type": V2_BINARY, Accept: V2 },
      body: JSON.stringify({ records: [{ value: base64("over the wire") }] }),
    });
    expect(produced.status).toBe(200);
    const { offsets } = await produced.json();
    const { partition, offset } = offsets[0];

    const read = await fetch(
      `${server.url}/topics/node-test/partitions/${partition}/messages?offset=${offset}`,
    );
    expect(await read.json()).toEqual([{ key: null, value: base64("over the wire"), partition, offset }]);

    const topic = await (await fetch(`${server.url}/topics/node-test`)).json();
    expect(topic.partitions).toHaveLength(2);
  });

  it("writes one JSON log line per request carrying the request id", async () => {
    await fetch(`${server.url}/healthz`, { headers: { "X-Request-Id": "node-entry-test" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.lines).toContainEqual(
      expect.objectContaining({
        msg: "request",
        request_id: "node-entry-test",
        path: "/healthz",
        status: 200,
      }),
    );
  });

  it("answers garbage with an envelope and keeps serving", async () => {
    const bad = await fetch(`${server.url}/topics/x`, {
      method: "POST",
      headers: { "Content-Type": V2_BINARY },
      body: "{{{{",
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("reads the body of GET .../offsets, which Confluent clients send", async () => {
    const headers = { "Content-Type": V2, Accept: V2 };
    const base = `${server.url}/consumers/node-group`;
    await fetch(base, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "c", "auto.commit.enable": "false" }),
    });
    await fetch(`${base}/instances/c/assignments`, {
      method: "POST",
      headers,
      body: JSON.stringify({ partitions: [{ topic: "node-test", partition: 0 }] }),
    });
    await fetch(`${base}/instances/c/offsets`, {
      method: "POST",
      headers,
      body: JSON.stringify({ offsets: [{ topic: "node-test", partition: 0, offset: 41 }] }),
    });
    // fetch() refuses a GET body, so speak HTTP/1.1 directly like a Java or Python client would.
    const body = JSON.stringify({ partitions: [{ topic: "node-test", partition: 0 }] });
    const { status, text } = await rawRequest(
      server.url,
      "GET",
      "/consumers/node-group/instances/c/offsets",
      body,
    );
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      offsets: [{ topic: "node-test", partition: 0, offset: 42, metadata: "" }],
    });
  });

  it("shuts down cleanly on SIGTERM", async () => {
    const other = await startNodeServer();
    expect(await other.stop("SIGTERM")).toBe(0);
    expect(other.lines).toContainEqual(expect.objectContaining({ msg: "shutting down", signal: "SIGTERM" }));
  });
});

describe("the Node entry with bad configuration", () => {
  it("exits 1 naming the bad setting instead of starting", async () => {
    const { code, stderr } = await runNodeEntry({ PORT: "eighty", AUTO_CREATE_TOPICS: "sometimes" });
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid configuration");
    expect(stderr).toContain('PORT must be a whole number (got "eighty")');
    expect(stderr).toContain('AUTO_CREATE_TOPICS must be true or false (got "sometimes")');
  });
});
