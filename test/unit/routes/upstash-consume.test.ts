import { describe, expect, it } from "vitest";
import { type TestApp, testApp } from "../../helpers/app.ts";

function upstash(t: TestApp) {
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.request(`/upstash${path}`, {
      method,
      headers: { "Content-Type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    call,
    produce: async (topic: string, values: string[], partition?: number) => {
      const res = await call(
        "POST",
        "/produce",
        values.map((value) => ({ topic, value, partition })),
      );
      if (res.status !== 200) throw new Error(`produce failed: ${await res.text()}`);
      return res.json();
    },
    consume: async (group: string, instance: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await call("POST", `/consume/${group}/${instance}`, body, headers);
      expect(res.status).toBe(200);
      return (await res.json()) as Array<{
        topic: string;
        partition: number;
        offset: number;
        key: string;
        value: string;
      }>;
    },
  };
}

describe("Upstash dialect: consume", () => {
  it("creates the instance on first use from the Kafka-* headers and reuses it afterwards", async () => {
    const t = testApp();
    const u = upstash(t);
    await u.produce("greetings", ["hello", "world"]);
    const first = await u.consume(
      "g",
      "i1",
      { topic: "greetings", timeout: 100 },
      {
        "Kafka-Auto-Offset-Reset": "earliest",
        "Kafka-Enable-Auto-Commit": "false",
      },
    );
    expect(first.map((m) => [m.value, m.offset, m.key])).toEqual([
      ["hello", 0, ""],
      ["world", 1, ""],
    ]);
    expect(first[0]).toMatchObject({
      topic: "greetings",
      partition: 0,
      headers: [],
      timestamp: expect.any(Number),
    });
    await u.produce("greetings", ["again"]);
    // Headers of later calls have no effect, as on Upstash: still the same instance and position.
    const second = await u.consume(
      "g",
      "i1",
      { topic: "greetings", timeout: 100 },
      { "Kafka-Auto-Offset-Reset": "latest" },
    );
    expect(second.map((m) => m.value)).toEqual(["again"]);
    // Auto-commit is off: nothing was committed on the instance's behalf.
    const committed = await u.call("POST", "/committed/g/i1", [{ topic: "greetings", partition: 0 }]);
    expect(await committed.json()).toEqual([]);
  });

  it("starts at the end by default (latest) and auto-commits what it read by its next read", async () => {
    const t = testApp();
    const u = upstash(t);
    await u.produce("events", ["before"]);
    expect(await u.consume("g", "i", { topic: "events", timeout: 50 })).toEqual([]);
    await u.produce("events", ["after"]);
    expect((await u.consume("g", "i", { topic: "events", timeout: 50 })).map((m) => m.value)).toEqual([
      "after",
    ]);
    await u.consume("g", "i", { topic: "events", timeout: 50 });
    const res = await u.call("POST", "/committed/g/i", { topic: "events", partition: 0 });
    expect(await res.json()).toEqual([{ topic: "events", partition: 0, offset: 2 }]);
  });

  it("reads the topic named in the path with GET and ?timeout=", async () => {
    const t = testApp();
    const u = upstash(t);
    await u.produce("path-topic", ["x"]);
    const res = await u.call("GET", "/consume/g/i/path-topic?timeout=50", undefined, {
      "Kafka-Auto-Offset-Reset": "earliest",
    });
    expect((await res.json()).map((m: { value: string }) => m.value)).toEqual(["x"]);
  });

  it("shares partitions between the instances of a group", async () => {
    const t = testApp({ DEFAULT_PARTITIONS: "2" });
    const u = upstash(t);
    await u.produce("shared", ["a"], 0);
    await u.produce("shared", ["b"], 1);
    const reset = { "Kafka-Auto-Offset-Reset": "earliest" };
    await u.consume("g", "one", { topics: ["shared"], timeout: 10 }, reset);
    await u.consume("g", "two", { topics: ["shared"], timeout: 10 }, reset);
    const res = await u.call("GET", "/consumers");
    expect(await res.json()).toEqual([
      {
        name: "g",
        instances: [
          { name: "one", topics: [{ topic: "shared", partitions: [0] }] },
          { name: "two", topics: [{ topic: "shared", partitions: [1] }] },
        ],
      },
    ]);
  });

  it("commits offsets as given (no + 1), and an empty commit commits what was consumed", async () => {
    const t = testApp();
    const u = upstash(t);
    await u.produce("c", ["a", "b", "c"]);
    const headers = { "Kafka-Auto-Offset-Reset": "earliest", "Kafka-Enable-Auto-Commit": "false" };
    await u.consume("g", "i", { topic: "c", timeout: 50 }, headers);
    const given = await u.call("POST", "/commit/g/i", { topic: "c", partition: 0, offset: 1 });
    expect(await given.json()).toEqual({ result: "Success", status: 200 });
    const tp = [{ topic: "c", partition: 0 }];
    expect(await (await u.call("POST", "/committed/g/i", tp)).json()).toEqual([
      { topic: "c", partition: 0, offset: 1 },
    ]);
    await u.call("POST", "/commit/g/i");
    expect(await (await u.call("POST", "/committed/g/i", tp)).json()).toEqual([
      { topic: "c", partition: 0, offset: 3 },
    ]);
  });

  it("deletes an instance, and answers an unknown one with 404 in the Upstash envelope", async () => {
    const t = testApp();
    const u = upstash(t);
    await u.consume("g", "i", { topic: "t", timeout: 10 });
    const removed = await u.call("POST", "/delete-consumer/g/i");
    expect(await removed.json()).toEqual({ result: "Success", status: 200 });
    expect(await (await u.call("GET", "/consumers")).json()).toEqual([]);
    const again = await u.call("DELETE", "/delete-consumer/g/i");
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: "Consumer instance not found.", status: 404 });
  });

  it("refuses bad consume requests with clear errors", async () => {
    const t = testApp();
    const u = upstash(t);
    const noTopic = await u.call("POST", "/consume/g/i", {});
    expect(noTopic.status).toBe(400);
    expect((await noTopic.json()).error).toMatch(/Name the topics/);
    const badReset = await u.call(
      "POST",
      "/consume/g/i",
      { topic: "t" },
      { "Kafka-Auto-Offset-Reset": "sometimes" },
    );
    expect(badReset.status).toBe(422);
    expect((await badReset.json()).error).toMatch(/auto\.offset\.reset/);
    const badInterval = await u.call(
      "POST",
      "/consume/g/i",
      { topic: "t" },
      { "Kafka-Auto-Commit-Interval": "soon" },
    );
    expect(badInterval.status).toBe(400);
    expect((await badInterval.json()).error).toMatch(/Kafka-Auto-Commit-Interval/);
  });
});

describe("Upstash dialect: fetch, offsets and topics", () => {
  it("fetches from exactly the requested offset, positions in request order", async () => {
    const t = testApp({ DEFAULT_PARTITIONS: "2" });
    const u = upstash(t);
    await u.produce("f", ["a0", "a1", "a2"], 0);
    await u.produce("f", ["b0"], 1);
    const one = await u.call("POST", "/fetch", { topic: "f", partition: 0, offset: 1, timeout: 10 });
    expect((await one.json()).map((m: { value: string }) => m.value)).toEqual(["a1", "a2"]);
    const many = await u.call("POST", "/fetch", {
      topicPartitionOffsets: [
        { topic: "f", partition: 1, offset: 0 },
        { topic: "f", partition: 0, offset: 2 },
      ],
      timeout: 10,
    });
    expect((await many.json()).map((m: { value: string }) => m.value)).toEqual(["b0", "a2"]);
  });

  it("answers offsets by time, earliest and latest", async () => {
    const t = testApp();
    const u = upstash(t);
    await u.call("POST", "/produce", [
      { topic: "o", value: "a", timestamp: 1000 },
      { topic: "o", value: "b", timestamp: 2000 },
    ]);
    const tp = [{ topic: "o", partition: 0 }];
    const at = async (ts: string) => (await (await u.call("POST", `/offsets/${ts}`, tp)).json())[0].offset;
    expect(await at("1500")).toBe(1);
    expect(await at("9000")).toBe(-1);
    expect(await at("earliest")).toBe(0);
    expect(await at("latest")).toBe(2);
    const bad = await u.call("POST", "/offsets/yesterday", tp);
    expect(bad.status).toBe(400);
  });

  it("lists topics with their partition counts, and 404s a fetch from a missing topic", async () => {
    const t = testApp({ DEFAULT_PARTITIONS: "3" });
    const u = upstash(t);
    await u.produce("cities", ["x"]);
    expect(await (await u.call("GET", "/topics")).json()).toEqual({ cities: 3 });
    const missing = await u.call("POST", "/fetch", { topic: "nope", partition: 0, offset: 0 });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Topic 'nope' not found.", status: 404 });
  });
});
