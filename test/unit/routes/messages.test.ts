import { describe, expect, it } from "vitest";
import { base64, testApp } from "../../helpers/app.ts";

async function withRecords() {
  const t = testApp();
  await t.backend.createTopic({ topic: "legacy", partitions: 2 });
  await t.backend.produce("legacy", [
    {
      key: new TextEncoder().encode("k0"),
      value: new TextEncoder().encode('{"n":0}'),
      partition: 1,
      timestamp: 1000,
    },
    { key: null, value: new TextEncoder().encode('{"n":1}'), partition: 1, timestamp: 2000 },
    { key: null, value: new TextEncoder().encode('{"n":2}'), partition: 1, timestamp: 3000 },
  ]);
  return t;
}

describe("GET /topics/{topic}/partitions/{p}/messages (v1 legacy read)", () => {
  it("reads one record at an offset by default, base64 without a topic field", async () => {
    const { request } = await withRecords();
    const res = await request("/topics/legacy/partitions/1/messages?offset=0");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.kafka.binary.v1+json");
    expect(await res.json()).toEqual([
      { key: base64("k0"), value: base64('{"n":0}'), partition: 1, offset: 0 },
    ]);
  });

  it("reads count records from an offset", async () => {
    const { request } = await withRecords();
    const body = await (await request("/topics/legacy/partitions/1/messages?offset=1&count=5")).json();
    expect(body.map((r: { offset: number }) => r.offset)).toEqual([1, 2]);
  });

  it("embeds values as JSON for a json Accept type", async () => {
    const { request } = await withRecords();
    const res = await request("/topics/legacy/partitions/1/messages?offset=1&count=1", {
      headers: { Accept: "application/vnd.kafka.json.v1+json" },
    });
    expect(await res.json()).toEqual([{ key: null, value: { n: 1 }, partition: 1, offset: 1 }]);
  });

  it("starts from the first record at or after a timestamp", async () => {
    const { request } = await withRecords();
    const at = encodeURIComponent(new Date(1500).toISOString());
    const body = await (
      await request(`/topics/legacy/partitions/1/messages?timestamp=${at}&count=10`)
    ).json();
    expect(body.map((r: { offset: number }) => r.offset)).toEqual([1, 2]);
  });

  it("returns [] past the end", async () => {
    const { request } = await withRecords();
    expect(await (await request("/topics/legacy/partitions/1/messages?offset=3")).json()).toEqual([]);
    expect(await (await request("/topics/legacy/partitions/0/messages?offset=0")).json()).toEqual([]);
  });

  it.each([
    ["neither offset nor timestamp", "", /Either `offset` or `timestamp`/],
    ["both", "?offset=0&timestamp=2020-01-01T00:00:00Z", /Either `offset` or `timestamp`/],
    ["a negative offset", "?offset=-1", /offset/],
    ["a zero count", "?offset=0&count=0", /count/],
    ["a bad timestamp", "?timestamp=yesterday", /timestamp/],
  ])("answers 400 for %s", async (_case, query, message) => {
    const { request } = await withRecords();
    const res = await request(`/topics/legacy/partitions/1/messages${query}`);
    expect(res.status).toBe(400);
    const envelope = await res.json();
    expect(envelope.error_code).toBe(400);
    expect(envelope.message).toMatch(message);
  });

  it("answers 40401 and 40402 for what does not exist", async () => {
    const { request } = await withRecords();
    expect((await (await request("/topics/none/partitions/0/messages?offset=0")).json()).error_code).toBe(
      40401,
    );
    expect((await (await request("/topics/legacy/partitions/7/messages?offset=0")).json()).error_code).toBe(
      40402,
    );
  });

  it("answers 408/40801 when a json read meets a record that is not JSON", async () => {
    const t = testApp();
    await t.backend.produce("raw", [{ key: null, value: new Uint8Array([0xff, 0x00]) }]);
    const res = await t.request("/topics/raw/partitions/0/messages?offset=0", {
      headers: { Accept: "application/vnd.kafka.json.v1+json" },
    });
    expect(res.status).toBe(408);
    expect((await res.json()).error_code).toBe(40801);
  });
});

describe("legacy read of many records", () => {
  it("returns count records even when they span several fetches", async () => {
    const t = testApp();
    const value = new Uint8Array(100 * 1024).fill(65);
    await t.backend.produce(
      "wide",
      Array.from({ length: 25 }, () => ({ key: null, value })),
    );
    const body = await (await t.request("/topics/wide/partitions/0/messages?offset=2&count=20")).json();
    expect(body.map((r: { offset: number }) => r.offset)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2),
    );
  });
});
