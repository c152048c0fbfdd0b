import { describe, expect, it } from "vitest";
import { testApp, V2_JSON } from "../../helpers/app.ts";
import { consumerApi, produce, values } from "../../helpers/consumers.ts";

describe("POST /consumers/{group}", () => {
  it("creates an instance and answers its id and a base_uri on this request's origin", async () => {
    const api = consumerApi(testApp());
    const res = await api.create("g", { name: "c1", format: "binary", "auto.offset.reset": "earliest" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      instance_id: "c1",
      base_uri: "http://localhost/consumers/g/instances/c1",
    });
  });

  it("builds base_uri from PUBLIC_URL when set", async () => {
    const api = consumerApi(testApp({ PUBLIC_URL: "https://kafka.example.com/" }));
    const body = await (await api.create("orders", { name: "c1" })).json();
    expect(body.base_uri).toBe("https://kafka.example.com/consumers/orders/instances/c1");
  });

  it("generates a name when none is given, and lets the legacy id win over name", async () => {
    const api = consumerApi(testApp());
    expect((await (await api.create("g")).json()).instance_id).toMatch(/^rest-consumer-[0-9a-f-]{36}$/);
    expect((await (await api.create("g", { id: "legacy", name: "ignored" })).json()).instance_id).toBe(
      "legacy",
    );
  });

  it("creates with defaults from an empty body", async () => {
    const t = testApp();
    const res = await t.request("/consumers/g", { method: "POST" });
    expect(res.status).toBe(200);
  });

  it("answers 409/40902 for a name the group already has", async () => {
    const api = consumerApi(testApp());
    await api.create("g", { name: "dup" });
    const res = await api.create("g", { name: "dup" });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error_code: 40902,
      message: "Consumer with specified consumer ID already exists in the specified consumer group.",
    });
    expect((await api.create("other-group", { name: "dup" })).status).toBe(200);
  });

  it.each([
    [{ format: "avro" }, 422, 42204, /schema registry/],
    [{ format: "xml" }, 422, 422, /^Invalid format type\.$/],
    [{ "auto.offset.reset": "sometimes" }, 422, 42204, /auto\.offset\.reset/],
    [{ "auto.commit.enable": "maybe" }, 422, 42204, /auto\.commit\.enable/],
    [{ "fetch.min.bytes": 20_000_000 }, 422, 40001, /fetch\.min\.bytes/],
    [{ "consumer.request.timeout.ms": "soon" }, 422, 42204, /consumer\.request\.timeout\.ms/],
    [{ name: "has space" }, 422, 42204, /instance name/],
    [{ group: "x" }, 422, 422, /^Unrecognized field: group$/],
  ])("refuses %j", async (body, status, code, message) => {
    const res = await consumerApi(testApp()).create("g", body);
    expect(res.status).toBe(status);
    const envelope = await res.json();
    expect(envelope.error_code).toBe(code);
    expect(envelope.message).toMatch(message);
  });

  it("accepts the legacy smallest/largest resets and the v1 media type", async () => {
    const t = testApp();
    const res = await t.request("/consumers/g", {
      method: "POST",
      headers: { "Content-Type": "application/vnd.kafka.v1+json" },
      json: { id: "old", format: "binary", "auto.offset.reset": "smallest", "auto.commit.enable": "false" },
    });
    expect(res.status).toBe(200);
  });
});

describe("subscribe and read", () => {
  async function subscribed(settings: Record<string, unknown> = {}) {
    const t = testApp();
    const api = consumerApi(t);
    await t.backend.createTopic({ topic: "events", partitions: 1 });
    await api.create("g", { name: "c", "auto.offset.reset": "earliest", ...settings });
    expect((await api.subscribe("g", "c", ["events"])).status).toBe(204);
    return { t, api };
  }

  it("returns records in the Confluent shape plus timestamp and headers", async () => {
    const { t, api } = await subscribed();
    await t.backend.produce("events", [
      {
        key: new TextEncoder().encode("k"),
        value: new TextEncoder().encode("v"),
        headers: [{ key: "h", value: new TextEncoder().encode("x") }],
        timestamp: 1234,
      },
    ]);
    const res = await api.records("g", "c");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.kafka.binary.v2+json");
    expect(await res.json()).toEqual([
      {
        topic: "events",
        key: "aw==",
        value: "dg==",
        partition: 0,
        offset: 0,
        timestamp: 1234,
        headers: [{ key: "h", value: "eA==" }],
      },
    ]);
  });

  it("continues where the last read stopped and never returns a record twice", async () => {
    const { t, api } = await subscribed();
    await produce(t, "events", ["a", "b"]);
    expect(values(await (await api.records("g", "c")).json())).toEqual(["a", "b"]);
    await produce(t, "events", ["c"]);
    expect(values(await (await api.records("g", "c")).json())).toEqual(["c"]);
    expect(await (await api.records("g", "c", "timeout=50")).json()).toEqual([]);
  });

  it("starts at the end with the default auto.offset.reset (latest)", async () => {
    const t = testApp();
    const api = consumerApi(t);
    await produce(t, "late", ["before"]);
    await api.create("g", { name: "c" });
    await api.subscribe("g", "c", ["late"]);
    expect(await (await api.records("g", "c", "timeout=50")).json()).toEqual([]);
    await produce(t, "late", ["after"]);
    expect(values(await (await api.records("g", "c")).json())).toEqual(["after"]);
  });

  it("respects max_bytes but always returns at least one record", async () => {
    const { t, api } = await subscribed();
    await produce(t, "events", ["0123456789", "0123456789", "0123456789"]);
    expect(values(await (await api.records("g", "c", "timeout=100&max_bytes=25")).json())).toHaveLength(2);
    expect(values(await (await api.records("g", "c", "timeout=100&max_bytes=1")).json())).toHaveLength(1);
  });

  it("answers as soon as a record arrives during a long wait", async () => {
    const { t, api } = await subscribed();
    const reading = api.records("g", "c", "timeout=15000");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await produce(t, "events", ["wake"]);
    expect(values(await (await reading).json())).toEqual(["wake"]);
  });

  it("embeds JSON for a json instance and refuses a binary Accept with 406/40601", async () => {
    const { t, api } = await subscribed({ format: "json" });
    await t.request("/topics/events", {
      method: "POST",
      headers: { "Content-Type": V2_JSON },
      json: { records: [{ key: "k", value: { n: 1 } }] },
    });
    const mismatch = await api.records("g", "c", "timeout=50", "application/vnd.kafka.binary.v2+json");
    expect(mismatch.status).toBe(406);
    expect((await mismatch.json()).error_code).toBe(40601);
    const res = await api.records("g", "c", "timeout=200", V2_JSON);
    expect(res.headers.get("content-type")).toBe(V2_JSON);
    expect((await res.json()).map((r: { key: unknown; value: unknown }) => [r.key, r.value])).toEqual([
      ["k", { n: 1 }],
    ]);
  });

  it("reads in the instance's own format when Accept names no Kafka type", async () => {
    const { t, api } = await subscribed({ format: "json" });
    await t.request("/topics/events", {
      method: "POST",
      headers: { "Content-Type": V2_JSON },
      json: { records: [{ value: 7 }] },
    });
    const res = await api.records("g", "c", "timeout=200", "*/*");
    expect(res.headers.get("content-type")).toBe(V2_JSON);
    expect((await res.json())[0].value).toBe(7);
  });

  it("stops before a record a json instance cannot read, keeping it at the head (40801 when first)", async () => {
    const { t, api } = await subscribed({ format: "json" });
    await t.backend.produce("events", [
      { key: null, value: new TextEncoder().encode("1") },
      { key: null, value: new TextEncoder().encode("not json") },
    ]);
    const first = await api.records("g", "c", "timeout=100", V2_JSON);
    expect((await first.json()).map((r: { value: unknown }) => r.value)).toEqual([1]);
    const poison = await api.records("g", "c", "timeout=100", V2_JSON);
    expect(poison.status).toBe(408);
    expect((await poison.json()).error_code).toBe(40801);
    await api.seek("g", "c", "", { offsets: [{ topic: "events", partition: 0, offset: 2 }] });
    expect(await (await api.records("g", "c", "timeout=50", V2_JSON)).json()).toEqual([]);
  });

  it("waits for fetch.min.bytes until the timeout", async () => {
    const { t, api } = await subscribed({ "fetch.min.bytes": 1000 });
    await produce(t, "events", ["small"]);
    const started = Date.now();
    const res = await api.records("g", "c", "timeout=300");
    expect(values(await res.json())).toEqual(["small"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("gets, replaces and deletes the subscription", async () => {
    const { api } = await subscribed();
    const get = async () =>
      (await (await api.json("GET", "/consumers/g/instances/c/subscription")).json()).topics;
    expect(await get()).toEqual(["events"]);
    await api.subscribe("g", "c", ["events", "more"]);
    expect(await get()).toEqual(["events", "more"]);
    expect((await api.json("DELETE", "/consumers/g/instances/c/subscription")).status).toBe(204);
    expect(await get()).toEqual([]);
    expect(await api.assignments("g", "c")).toEqual([]);
  });

  it("subscribes by topic_pattern, matching whole names, including topics made later", async () => {
    const t = testApp({ CONSUMER_ASSIGNMENT_REFRESH_MS: "100" });
    const api = consumerApi(t);
    await t.backend.createTopic({ topic: "metrics-a", partitions: 1 });
    await t.backend.createTopic({ topic: "xmetrics-b", partitions: 1 });
    await api.create("g", { name: "c", "auto.offset.reset": "earliest" });
    const res = await api.json("POST", "/consumers/g/instances/c/subscription", {
      topic_pattern: "metrics-.*",
    });
    expect(res.status).toBe(204);
    expect(await api.assignments("g", "c")).toEqual([{ topic: "metrics-a", partition: 0 }]);
    await t.backend.createTopic({ topic: "metrics-b", partition: 1 } as never).catch(() => undefined);
    await t.backend.createTopic({ topic: "metrics-c", partitions: 1 });
    await produce(t, "metrics-c", ["new topic"]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(values(await (await api.records("g", "c", "timeout=300")).json())).toEqual(["new topic"]);
  });

  it.each([
    [{}, /Exactly one of topics or topic_pattern/],
    [{ topics: ["a"], topic_pattern: "b" }, /Exactly one/],
    [{ topics: [] }, /must not be empty/],
    [{ topic_pattern: "(" }, /regular expression/],
  ])("refuses the subscription %j with 422", async (body, message) => {
    const { api } = await subscribed();
    const res = await api.json("POST", "/consumers/g/instances/c/subscription", body);
    expect(res.status).toBe(422);
    expect((await res.json()).message).toMatch(message);
  });
});

describe("assignments and positions", () => {
  async function assigned() {
    const t = testApp();
    const api = consumerApi(t);
    await t.backend.createTopic({ topic: "t", partitions: 2 });
    await produce(t, "t", ["p0-0", "p0-1", "p0-2"], 0);
    await produce(t, "t", ["p1-0"], 1);
    await api.create("g", { name: "c", "auto.offset.reset": "earliest" });
    expect((await api.assign("g", "c", [{ topic: "t", partition: 0 }])).status).toBe(204);
    return { t, api };
  }

  it("reads only the manually assigned partitions", async () => {
    const { api } = await assigned();
    expect(await api.assignments("g", "c")).toEqual([{ topic: "t", partition: 0 }]);
    expect(values(await (await api.records("g", "c")).json())).toEqual(["p0-0", "p0-1", "p0-2"]);
  });

  it("refuses to mix subscription and assignment with 409/40903", async () => {
    const { api } = await assigned();
    const res = await api.subscribe("g", "c", ["t"]);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error_code: 40903,
      message: "Illegal state: Subscription to topics, partitions and pattern are mutually exclusive",
    });
  });

  it("seeks to an offset, the beginning and the end", async () => {
    const { api } = await assigned();
    const tp = { topic: "t", partition: 0 };
    expect((await api.seek("g", "c", "", { offsets: [{ ...tp, offset: 1 }] })).status).toBe(204);
    expect(values(await (await api.records("g", "c")).json())).toEqual(["p0-1", "p0-2"]);
    await api.seek("g", "c", "/beginning", { partitions: [tp] });
    expect(values(await (await api.records("g", "c")).json())).toEqual(["p0-0", "p0-1", "p0-2"]);
    await api.seek("g", "c", "/end", { partitions: [tp] });
    expect(await (await api.records("g", "c", "timeout=50")).json()).toEqual([]);
  });

  it("seeks by timestamp to the first record at or after it", async () => {
    const t = testApp();
    const api = consumerApi(t);
    await t.backend.produce(
      "ts",
      [1000, 2000, 3000].map((timestamp) => ({ key: null, value: new Uint8Array([1]), timestamp })),
    );
    await api.create("g", { name: "c" });
    await api.assign("g", "c", [{ topic: "ts", partition: 0 }]);
    await api.seek("g", "c", "", {
      timestamps: [{ topic: "ts", partition: 0, timestamp: new Date(1500).toISOString() }],
    });
    const records = await (await api.records("g", "c")).json();
    expect(records.map((r: { offset: number }) => r.offset)).toEqual([1, 2]);
  });

  it("refuses to seek a partition that is not assigned with 409/40903", async () => {
    const { api } = await assigned();
    const res = await api.seek("g", "c", "/beginning", { partitions: [{ topic: "t", partition: 1 }] });
    expect(res.status).toBe(409);
    expect((await res.json()).message).toBe("Illegal state: No current assignment for partition t-1");
  });
});

describe("offsets", () => {
  async function readTwo(autoCommit: string) {
    const t = testApp();
    const api = consumerApi(t);
    await produce(t, "o", ["a", "b", "c"]);
    await api.create("g", { name: "c", "auto.offset.reset": "earliest", "auto.commit.enable": autoCommit });
    await api.subscribe("g", "c", ["o"]);
    expect(values(await (await api.records("g", "c", "timeout=100&max_bytes=2")).json())).toEqual(["a", "b"]);
    return { t, api };
  }
  const committedOffset = async (t: ReturnType<typeof testApp>) =>
    (await t.backend.committedOffsets("g", [{ topic: "o", partition: 0 }]))[0]?.offset;

  it("commits offset + 1 for an explicit list and reports it back", async () => {
    const { api } = await readTwo("false");
    const res = await api.commit("g", "c", { offsets: [{ topic: "o", partition: 0, offset: 0 }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    const got = await api.committed("g", "c", [{ topic: "o", partition: 0 }]);
    expect(await got.json()).toEqual({ offsets: [{ topic: "o", partition: 0, offset: 1, metadata: "" }] });
  });

  it("commits everything read so far for an empty body", async () => {
    const { t, api } = await readTwo("false");
    await api.commit("g", "c");
    expect(await committedOffset(t)).toBe(2);
  });

  it("commits nothing without auto-commit until asked", async () => {
    const { t, api } = await readTwo("false");
    await api.records("g", "c", "timeout=50");
    expect(await committedOffset(t)).toBeUndefined();
  });

  it("auto-commits what a read returned no later than the next read", async () => {
    const { t, api } = await readTwo("true");
    await api.records("g", "c", "timeout=50");
    expect(await committedOffset(t)).toBe(2);
  });

  it("reads the committed offsets of the assignment when GET offsets has no body", async () => {
    const { api } = await readTwo("false");
    await api.commit("g", "c");
    const res = await api.committed("g", "c");
    expect((await res.json()).offsets).toEqual([{ topic: "o", partition: 0, offset: 2, metadata: "" }]);
  });

  it("leaves out partitions without a commit", async () => {
    const { api } = await readTwo("false");
    const res = await api.committed("g", "c", [{ topic: "o", partition: 0 }]);
    expect(await res.json()).toEqual({ offsets: [] });
  });

  it("a new instance of the group starts at the group's committed offset", async () => {
    const { t, api } = await readTwo("false");
    await api.commit("g", "c");
    await api.remove("g", "c");
    await api.create("g", { name: "d", "auto.offset.reset": "earliest" });
    await api.subscribe("g", "d", ["o"]);
    expect(values(await (await api.records("g", "d")).json())).toEqual(["c"]);
    expect(await committedOffset(t)).toBe(2);
  });
});

describe("instance lifecycle", () => {
  it("deletes with 204, after which every call answers 404/40403", async () => {
    const api = consumerApi(testApp());
    await api.create("g", { name: "c" });
    expect((await api.remove("g", "c")).status).toBe(204);
    for (const res of [
      await api.remove("g", "c"),
      await api.records("g", "c"),
      await api.subscribe("g", "c", ["t"]),
      await api.commit("g", "c"),
      await api.json("GET", "/consumers/g/instances/c/subscription"),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error_code: 40403, message: "Consumer instance not found." });
    }
  });

  it("expires after CONSUMER_INSTANCE_TIMEOUT_MS idle, and any call renews it", async () => {
    const api = consumerApi(testApp({ CONSUMER_INSTANCE_TIMEOUT_MS: "1000" }));
    await api.create("g", { name: "idle" });
    await api.create("g", { name: "busy" });
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect((await api.records("g", "busy", "timeout=1")).status).toBe(200);
    }
    expect((await api.records("g", "idle", "timeout=1")).status).toBe(404);
  });

  it("answers 415 for a body without a Kafka or JSON Content-Type", async () => {
    const t = testApp();
    const res = await t.request("/consumers/g", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
  });
});

describe("subscribing before the topic exists", () => {
  it("reads the topic as soon as it is created, without waiting for a refresh", async () => {
    const t = testApp({ CONSUMER_ASSIGNMENT_REFRESH_MS: "600000" });
    const api = consumerApi(t);
    await api.create("g", { name: "early", "auto.offset.reset": "earliest" });
    await api.subscribe("g", "early", ["not-yet"]);
    expect(await api.assignments("g", "early")).toEqual([]);
    await produce(t, "not-yet", ["first"]);
    expect(values(await (await api.records("g", "early", "timeout=500")).json())).toEqual(["first"]);
  });
});
