import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConformanceResponse, ConformanceTarget } from "./target.ts";
import { TARGETS } from "./targets/index.ts";

const V2 = "application/vnd.kafka.v2+json";
const V2_BINARY = "application/vnd.kafka.binary.v2+json";
const V2_JSON = "application/vnd.kafka.json.v2+json";
const base64 = (text: string) => Buffer.from(text).toString("base64");

/**
 * One HTTP suite for every entry (targets/index.ts): the same requests must get the same answers
 * from the Node server, the Lambda handler and any target added later. Each target is a fresh
 * proxy on the in-memory backend, so topic and group names only need to differ between tests.
 */
describe.each(TARGETS)("conformance: $name", (factory) => {
  let target: ConformanceTarget;

  beforeAll(async () => {
    target = await factory.start();
  });
  afterAll(async () => {
    await target?.stop();
  });

  const send = (method: string, path: string, type?: string, body?: unknown, accept = V2) =>
    target.request(method, path, {
      headers: { Accept: accept, ...(type ? { "Content-Type": type } : {}) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  const json = (response: ConformanceResponse) => JSON.parse(response.bodyText);
  const produce = async (topic: string, type: string, records: unknown[]) => {
    const response = await send("POST", `/topics/${topic}`, type, { records });
    expect(response.status).toBe(200);
    return json(response).offsets;
  };

  describe("produce", () => {
    it("writes binary records and reads them back with the v1 read", async () => {
      const response = await send("POST", "/topics/c-binary", V2_BINARY, {
        records: [{ key: base64("k"), value: base64("one") }, { value: base64("two") }],
      });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe(V2);
      expect(response.headers["x-request-id"]).toMatch(/.+/);
      expect(json(response)).toEqual({
        offsets: [
          { partition: 0, offset: 0, error_code: null, error: null },
          { partition: 0, offset: 1, error_code: null, error: null },
        ],
        key_schema_id: null,
        value_schema_id: null,
      });
      const read = await send("GET", "/topics/c-binary/partitions/0/messages?offset=0&count=2", undefined);
      expect(json(read)).toEqual([
        { key: base64("k"), value: base64("one"), partition: 0, offset: 0 },
        { key: null, value: base64("two"), partition: 0, offset: 1 },
      ]);
    });

    it("writes JSON records and reads them back as JSON", async () => {
      await produce("c-json", V2_JSON, [{ key: "alice", value: { item: "book", qty: 2 } }]);
      const read = await send(
        "GET",
        "/topics/c-json/partitions/0/messages?offset=0",
        undefined,
        undefined,
        "application/vnd.kafka.json.v1+json",
      );
      expect(read.status).toBe(200);
      expect(json(read)).toEqual([
        { key: "alice", value: { item: "book", qty: 2 }, partition: 0, offset: 0 },
      ]);
    });
  });

  describe("metadata", () => {
    it("lists and describes topics, partitions, offsets and brokers", async () => {
      await produce("c-meta", V2_BINARY, [{ value: base64("x") }]);
      expect(json(await send("GET", "/topics"))).toContain("c-meta");
      const topic = json(await send("GET", "/topics/c-meta"));
      expect(topic).toMatchObject({ name: "c-meta", partitions: [{ partition: 0 }] });
      const partitions = json(await send("GET", "/topics/c-meta/partitions"));
      expect(partitions).toEqual([expect.objectContaining({ partition: 0 })]);
      expect(json(await send("GET", "/topics/c-meta/partitions/0/offsets"))).toEqual({
        beginning_offset: 0,
        end_offset: 1,
      });
      expect(json(await send("GET", "/brokers"))).toEqual({ brokers: [expect.any(Number)] });
    });
  });

  describe("consumers", () => {
    const instance = "/consumers/c-group/instances/c1";

    it("creates, subscribes, reads, commits, answers committed offsets and deletes", async () => {
      await produce("c-orders", V2_BINARY, [{ value: base64("first") }]);
      const created = await send("POST", "/consumers/c-group", V2, {
        name: "c1",
        format: "binary",
        "auto.offset.reset": "earliest",
        "auto.commit.enable": "false",
      });
      expect(created.status).toBe(200);
      expect(json(created)).toEqual({ instance_id: "c1", base_uri: `${target.origin}${instance}` });

      const subscribed = await send("POST", `${instance}/subscription`, V2, { topics: ["c-orders"] });
      expect(subscribed.status).toBe(204);
      expect(json(await send("GET", `${instance}/subscription`))).toEqual({ topics: ["c-orders"] });

      const read = await send("GET", `${instance}/records?timeout=3000`, undefined, undefined, V2_BINARY);
      expect(read.status).toBe(200);
      expect(read.headers["content-type"]).toBe(V2_BINARY);
      expect(json(read)).toEqual([
        expect.objectContaining({
          topic: "c-orders",
          key: null,
          value: base64("first"),
          partition: 0,
          offset: 0,
        }),
      ]);

      const offsets = [{ topic: "c-orders", partition: 0, offset: 0 }];
      expect((await send("POST", `${instance}/offsets`, V2, { offsets })).status).toBe(200);
      const committed = await send("GET", `${instance}/offsets`, V2, {
        partitions: [{ topic: "c-orders", partition: 0 }],
      });
      expect(json(committed)).toEqual({
        offsets: [{ topic: "c-orders", partition: 0, offset: 1, metadata: "" }],
      });

      const deleted = await send("DELETE", instance, V2);
      expect(deleted.status).toBe(204);
      const gone = await send("GET", `${instance}/records`, undefined, undefined, V2_BINARY);
      expect(gone.status).toBe(404);
      expect(json(gone).error_code).toBe(40403);
    });

    it("answers GET .../offsets for the partitions its body names, not the whole assignment", async () => {
      const path = "/consumers/c-body/instances/c2";
      await produce("c-a", V2_BINARY, [{ value: base64("a") }]);
      await produce("c-b", V2_BINARY, [{ value: base64("b") }]);
      const created = await send("POST", "/consumers/c-body", V2, {
        name: "c2",
        "auto.commit.enable": "false",
      });
      expect(created.status).toBe(200);
      const partitions = [
        { topic: "c-a", partition: 0 },
        { topic: "c-b", partition: 0 },
      ];
      expect((await send("POST", `${path}/assignments`, V2, { partitions })).status).toBe(204);
      const offsets = partitions.map((p) => ({ ...p, offset: 4 }));
      expect((await send("POST", `${path}/offsets`, V2, { offsets })).status).toBe(200);
      const committed = await send("GET", `${path}/offsets`, V2, { partitions: [partitions[1]] });
      expect(json(committed)).toEqual({ offsets: [{ topic: "c-b", partition: 0, offset: 5, metadata: "" }] });
    });
  });

  describe("errors, always in the Confluent envelope", () => {
    const expectError = (response: ConformanceResponse, status: number, code: number) => {
      expect(response.status).toBe(status);
      expect(json(response)).toEqual({ error_code: code, message: expect.any(String) });
    };

    it("404 for an unknown path", async () => {
      expectError(await send("GET", "/no/such/path"), 404, 404);
    });

    it("405 with Allow for a known path and a wrong method", async () => {
      const response = await send("PUT", "/topics");
      expectError(response, 405, 405);
      expect(response.headers.allow).toContain("GET");
    });

    it("406 for an Accept nothing satisfies", async () => {
      expectError(await send("GET", "/topics", undefined, undefined, "application/xml"), 406, 406);
    });

    it("415 for a Content-Type the proxy cannot produce", async () => {
      expectError(await send("POST", "/topics/c-err", "text/plain", "hello"), 415, 415);
      const avro = await send("POST", "/topics/c-err", "application/vnd.kafka.avro.v2+json", {
        records: [{ value: {} }],
      });
      expectError(avro, 415, 415);
    });

    it("422 for an unrecognized field, 400 for malformed JSON", async () => {
      const unknown = await send("POST", "/topics/c-err", V2_BINARY, {
        records: [{ value: base64("x") }],
        recordz: [],
      });
      expectError(unknown, 422, 422);
      expect(json(unknown).message).toBe("Unrecognized field: recordz");
      expectError(await send("POST", "/topics/c-err", V2_BINARY, "{{"), 400, 400);
    });

    it("40401 for an unknown topic, 40403 for an unknown consumer instance", async () => {
      expectError(await send("GET", "/topics/c-missing"), 404, 40401);
      expectError(await send("GET", "/consumers/c-none/instances/nobody/records"), 404, 40403);
    });
  });
});
