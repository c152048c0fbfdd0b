import { describe, expect, it } from "vitest";
import { testApp, V2 } from "../../helpers/app.ts";

async function withTopic(partitions = 3) {
  const t = testApp();
  await t.backend.createTopic({ topic: "orders", partitions, configs: { "cleanup.policy": "compact" } });
  return t;
}

describe("GET / and POST /", () => {
  it("answers {} as Confluent does", async () => {
    const { request } = testApp();
    for (const method of ["GET", "POST"]) {
      const res = await request("/", { method, headers: { "Content-Type": V2 } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(V2);
      expect(await res.json()).toEqual({});
    }
  });
});

describe("GET /topics", () => {
  it("lists topic names", async () => {
    const { request } = await withTopic();
    const res = await request("/topics", { headers: { Accept: V2 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(["orders"]);
  });

  it("answers with the v1 type to a client that only accepts v1", async () => {
    const { request } = await withTopic();
    const res = await request("/topics", { headers: { Accept: "application/vnd.kafka.v1+json" } });
    expect(res.headers.get("content-type")).toBe("application/vnd.kafka.v1+json");
  });
});

describe("GET /topics/{topic}", () => {
  it("describes the topic with configs and partitions", async () => {
    const { request } = await withTopic(2);
    const res = await request("/topics/orders");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.name).toBe("orders");
    expect(body.configs["cleanup.policy"]).toBe("compact");
    expect(body.partitions).toEqual([
      { partition: 0, leader: 1, replicas: [{ broker: 1, leader: true, in_sync: true }] },
      { partition: 1, leader: 1, replicas: [{ broker: 1, leader: true, in_sync: true }] },
    ]);
  });

  it("answers 404/40401 for an unknown topic", async () => {
    const { request } = testApp();
    const res = await request("/topics/missing");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error_code: 40401, message: "Topic 'missing' not found." });
  });
});

describe("GET /topics/{topic}/partitions[/{p}[/offsets]]", () => {
  it("lists partitions", async () => {
    const { request } = await withTopic(3);
    const body = await (await request("/topics/orders/partitions")).json();
    expect(body.map((p: { partition: number }) => p.partition)).toEqual([0, 1, 2]);
  });

  it("describes one partition", async () => {
    const { request } = await withTopic(3);
    const res = await request("/topics/orders/partitions/2");
    expect(await res.json()).toEqual({
      partition: 2,
      leader: 1,
      replicas: [{ broker: 1, leader: true, in_sync: true }],
    });
  });

  it("gives beginning and end offsets", async () => {
    const { request, backend } = await withTopic(3);
    await backend.produce("orders", [
      { key: null, value: null, partition: 1 },
      { key: null, value: null, partition: 1 },
    ]);
    const res = await request("/topics/orders/partitions/1/offsets");
    expect(await res.json()).toEqual({ beginning_offset: 0, end_offset: 2 });
  });

  it.each([
    "/topics/orders/partitions/9",
    "/topics/orders/partitions/9/offsets",
    "/topics/orders/partitions/x",
  ])("answers 404/40402 for a partition that does not exist: %s", async (path) => {
    const { request } = await withTopic(3);
    const res = await request(path);
    expect(res.status).toBe(404);
    expect((await res.json()).error_code).toBe(40402);
  });

  it("answers 40401 for the partitions of an unknown topic", async () => {
    const { request } = testApp();
    expect((await (await request("/topics/missing/partitions")).json()).error_code).toBe(40401);
    expect((await (await request("/topics/missing/partitions/0/offsets")).json()).error_code).toBe(40401);
  });
});

describe("GET /brokers", () => {
  it("lists broker ids", async () => {
    const { request } = testApp();
    expect(await (await request("/brokers")).json()).toEqual({ brokers: [1] });
  });
});

describe("Accept negotiation on metadata", () => {
  it("answers 406 in the error envelope when nothing acceptable is offered", async () => {
    const { request } = testApp();
    const res = await request("/topics", { headers: { Accept: "text/plain" } });
    expect(res.status).toBe(406);
    expect((await res.json()).error_code).toBe(406);
  });

  it("ignores the Content-Type of a GET without a body (browsers send one)", async () => {
    const { request } = await withTopic();
    const res = await request("/topics", { headers: { "Content-Type": "text/plain" } });
    expect(res.status).toBe(200);
  });
});
