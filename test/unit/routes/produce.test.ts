import { describe, expect, it } from "vitest";
import { partitionForKey } from "../../../src/utils/murmur2.ts";
import { base64, fromBase64, testApp, V2, V2_BINARY, V2_JSON } from "../../helpers/app.ts";

const binary = { "Content-Type": V2_BINARY, Accept: V2 };
const json = { "Content-Type": V2_JSON, Accept: V2 };

async function readAll(t: ReturnType<typeof testApp>, topic: string, partition = 0) {
  const [fetched] = await t.backend.fetch([{ topic, partition, offset: 0 }], {
    maxBytes: 1 << 20,
    maxWaitMs: 0,
  });
  return fetched.records;
}

describe("POST /topics/{topic} (binary)", () => {
  it("writes base64 keys and values as raw bytes and answers one offset per record", async () => {
    const t = testApp();
    const res = await t.request("/topics/events", {
      method: "POST",
      headers: binary,
      json: { records: [{ key: base64("k"), value: base64("hello") }, { value: base64("world") }] },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(V2);
    expect(await res.json()).toEqual({
      offsets: [
        { partition: 0, offset: 0, error_code: null, error: null },
        { partition: 0, offset: 1, error_code: null, error: null },
      ],
      key_schema_id: null,
      value_schema_id: null,
    });
    const records = await readAll(t, "events");
    expect(
      records.map((r) => [r.key && Buffer.from(r.key).toString(), Buffer.from(r.value ?? []).toString()]),
    ).toEqual([
      ["k", "hello"],
      [null, "world"],
    ]);
  });

  it("writes null for a null or missing value", async () => {
    const t = testApp();
    await t.request("/topics/tomb", {
      method: "POST",
      headers: binary,
      json: { records: [{ key: base64("k") }] },
    });
    const [record] = await readAll(t, "tomb");
    expect(record.value).toBeNull();
  });

  it("fails the whole request with 400 when any value is not base64, writing nothing", async () => {
    const t = testApp();
    await t.backend.createTopic({ topic: "strict", partitions: 1 });
    const res = await t.request("/topics/strict", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: base64("fine") }, { value: "not base64!" }] },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error_code: 400,
      message: 'Bad Request: data="not base64!" is not a base64 string.',
    });
    expect(await readAll(t, "strict")).toEqual([]);
  });

  it("fails with 400 for a non-string binary value", async () => {
    const t = testApp();
    const res = await t.request("/topics/x", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: 12 }] },
    });
    expect(res.status).toBe(400);
  });
});

describe("POST /topics/{topic} (json)", () => {
  it("stores keys and values as JSON text, quoting string keys like Confluent", async () => {
    const t = testApp();
    const res = await t.request("/topics/docs", {
      method: "POST",
      headers: json,
      json: { records: [{ key: "k", value: { a: [1, true, null] } }] },
    });
    expect(res.status).toBe(200);
    const [record] = await readAll(t, "docs");
    expect(Buffer.from(record.key ?? []).toString()).toBe('"k"');
    expect(Buffer.from(record.value ?? []).toString()).toBe('{"a":[1,true,null]}');
  });
});

describe("partitioning", () => {
  it("puts keyed records where the Java client does and lets an explicit partition win", async () => {
    const t = testApp();
    await t.backend.createTopic({ topic: "p6", partitions: 6 });
    const keys = ["foobar", "a-little-bit-longer-string", "abc", "user-17"];
    const res = await t.request("/topics/p6", {
      method: "POST",
      headers: binary,
      json: {
        records: [
          ...keys.map((k) => ({ key: base64(k), value: null })),
          { key: base64("abc"), partition: 4 },
        ],
      },
    });
    const { offsets } = await res.json();
    const expected = keys.map((k) => partitionForKey(new TextEncoder().encode(k), 6));
    expect(offsets.map((o: { partition: number }) => o.partition)).toEqual([...expected, 4]);
    expect(expected.slice(0, 3)).toEqual([0, 5, 3]);
  });

  it("hashes the JSON text of a json key, the bytes that are stored", async () => {
    const t = testApp();
    await t.backend.createTopic({ topic: "pj", partitions: 6 });
    const res = await t.request("/topics/pj", {
      method: "POST",
      headers: json,
      json: { records: [{ key: "abc" }] },
    });
    const { offsets } = await res.json();
    expect(offsets[0].partition).toBe(partitionForKey(new TextEncoder().encode('"abc"'), 6));
  });

  it("spreads records without a key", async () => {
    const t = testApp();
    await t.backend.createTopic({ topic: "spread", partitions: 4 });
    const records = Array.from({ length: 40 }, () => ({ value: base64("x") }));
    const { offsets } = await (
      await t.request("/topics/spread", { method: "POST", headers: binary, json: { records } })
    ).json();
    expect(new Set(offsets.map((o: { partition: number }) => o.partition)).size).toBe(4);
  });
});

describe("POST /topics/{topic}/partitions/{p}", () => {
  it("writes to the path partition unless a record names its own", async () => {
    const t = testApp();
    await t.backend.createTopic({ topic: "pp", partitions: 3 });
    const res = await t.request("/topics/pp/partitions/2", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: base64("a") }, { value: base64("b"), partition: 0 }] },
    });
    const { offsets } = await res.json();
    expect(offsets.map((o: { partition: number }) => o.partition)).toEqual([2, 0]);
  });

  it("answers 404/40402 for a partition that does not exist, writing nothing", async () => {
    const t = testApp();
    await t.backend.createTopic({ topic: "pp", partitions: 1 });
    const res = await t.request("/topics/pp/partitions/5", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: base64("a") }] },
    });
    expect(res.status).toBe(404);
    expect((await res.json()).error_code).toBe(40402);
    expect(await readAll(t, "pp")).toEqual([]);
  });
});

describe("topic auto-creation", () => {
  it("creates a missing topic with DEFAULT_PARTITIONS partitions", async () => {
    const t = testApp({ DEFAULT_PARTITIONS: "5" });
    await t.request("/topics/auto", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: base64("a") }] },
    });
    expect((await t.backend.describeTopic("auto"))?.partitions).toHaveLength(5);
  });

  it("answers 404/40401 when AUTO_CREATE_TOPICS=false", async () => {
    const t = testApp({ AUTO_CREATE_TOPICS: "false" });
    const res = await t.request("/topics/auto", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: base64("a") }] },
    });
    expect(res.status).toBe(404);
    expect((await res.json()).error_code).toBe(40401);
  });

  it("answers 400/40002 for a topic name Kafka would refuse", async () => {
    const t = testApp();
    const res = await t.request("/topics/bad%20name", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: base64("a") }] },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error_code).toBe(40002);
  });
});

describe("per-record errors", () => {
  it("answers 200 with error_code 50002 for the record over max.message.bytes only", async () => {
    const t = testApp({}, { maxRecordBytes: 16 });
    const res = await t.request("/topics/big", {
      method: "POST",
      headers: binary,
      json: { records: [{ value: base64("small") }, { value: base64("x".repeat(100)) }] },
    });
    expect(res.status).toBe(200);
    const { offsets } = await res.json();
    expect(offsets[0]).toEqual({ partition: 0, offset: 0, error_code: null, error: null });
    expect(offsets[1]).toMatchObject({ partition: null, offset: null, error_code: 50002 });
    expect(offsets[1].error).toMatch(/larger than the maximum/);
  });
});

describe("produce validation", () => {
  const post = (body: string, headers: Record<string, string> = binary) =>
    testApp().request("/topics/v", { method: "POST", headers, body });

  it.each([
    ["no records field", "{}", 422, /records/],
    ["empty records", '{"records":[]}', 422, /must not be empty/],
    ["records not an array", '{"records":{}}', 422, /records/],
    ["an unknown top-level field", '{"records":[{"value":null}],"foo":1}', 422, /^Unrecognized field: foo$/],
    [
      "an unknown record field",
      '{"records":[{"value":null,"topic":"x"}]}',
      422,
      /^Unrecognized field: topic$/,
    ],
    ["a negative partition", '{"records":[{"value":null,"partition":-1}]}', 422, /partition/],
    ["a fractional partition", '{"records":[{"value":null,"partition":1.5}]}', 422, /partition/],
    ["malformed JSON", '{"records":[', 400, /Malformed JSON/],
    ["an empty body", "", 422, /records/],
  ])("refuses %s", async (_case, body, status, message) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const envelope = await res.json();
    expect(envelope.error_code).toBe(status);
    expect(envelope.message).toMatch(message);
  });

  it.each(["avro", "protobuf", "jsonschema"])(
    "refuses %s with 415 explaining the schema registry",
    async (f) => {
      const res = await post('{"records":[{"value":{}}]}', {
        "Content-Type": `application/vnd.kafka.${f}.v2+json`,
      });
      expect(res.status).toBe(415);
      const envelope = await res.json();
      expect(envelope.error_code).toBe(415);
      expect(envelope.message).toMatch(/schema registry/);
    },
  );

  it.each(["application/json", "text/plain", "application/vnd.kafka.v2+json"])(
    "refuses Content-Type %s with 415",
    async (type) => {
      const res = await post('{"records":[{"value":null}]}', { "Content-Type": type });
      expect(res.status).toBe(415);
      expect((await res.json()).error_code).toBe(415);
    },
  );

  it("accepts the v1 media types older clients send, binary when no format is named", async () => {
    for (const type of [
      "application/vnd.kafka.v1+json",
      "application/vnd.kafka.binary.v1+json",
      "application/vnd.kafka+json",
    ]) {
      const t = testApp();
      const res = await t.request("/topics/legacy", {
        method: "POST",
        headers: { "Content-Type": type },
        json: { records: [{ value: base64("old") }] },
      });
      expect(res.status).toBe(200);
      const [record] = await readAll(t, "legacy");
      expect(fromBase64(Buffer.from(record.value ?? []).toString("base64"))).toBe("old");
    }
  });

  it("answers 406 before writing anything when the Accept cannot be met", async () => {
    const t = testApp();
    const res = await t.request("/topics/acc", {
      method: "POST",
      headers: { "Content-Type": V2_BINARY, Accept: "text/html" },
      json: { records: [{ value: base64("a") }] },
    });
    expect(res.status).toBe(406);
    expect(await t.backend.describeTopic("acc")).toBeUndefined();
  });
});
