import { describe, expect, it } from "vitest";
import { testApp } from "../../helpers/app.ts";

const JSON_HEADERS = { "Content-Type": "application/json" };

describe("v3 clusters", () => {
  it("lists the one cluster with links", async () => {
    const { request } = testApp();
    const body = await (await request("http://proxy.example:8082/v3/clusters")).json();
    expect(body.kind).toBe("KafkaClusterList");
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      kind: "KafkaCluster",
      cluster_id: "embedded",
      metadata: { self: "http://proxy.example:8082/v3/clusters/embedded" },
      topics: { related: "http://proxy.example:8082/v3/clusters/embedded/topics" },
    });
  });

  it("answers 404 for another cluster id", async () => {
    const { request } = testApp();
    const res = await request("/v3/clusters/other/topics");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error_code: 404, message: "Cluster other cannot be found." });
  });
});

describe("v3 topics", () => {
  it("creates a topic with N partitions (201), then gets, lists and deletes it", async () => {
    const { request } = testApp();
    const created = await request("/v3/clusters/embedded/topics", {
      method: "POST",
      headers: JSON_HEADERS,
      json: {
        topic_name: "orders",
        partitions_count: 6,
        configs: [{ name: "cleanup.policy", value: "compact" }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toBe("application/json");
    expect(await created.json()).toMatchObject({
      kind: "KafkaTopic",
      cluster_id: "embedded",
      topic_name: "orders",
      partitions_count: 6,
      replication_factor: 1,
      is_internal: false,
    });

    const v2 = await (await request("/topics/orders")).json();
    expect(v2.partitions).toHaveLength(6);
    expect(v2.configs["cleanup.policy"]).toBe("compact");

    const got = await request("/v3/clusters/embedded/topics/orders");
    expect((await got.json()).partitions_count).toBe(6);

    const list = await (await request("/v3/clusters/embedded/topics")).json();
    expect(list.kind).toBe("KafkaTopicList");
    expect(list.data.map((t: { topic_name: string }) => t.topic_name)).toEqual(["orders"]);

    const deleted = await request("/v3/clusters/embedded/topics/orders", { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect((await request("/v3/clusters/embedded/topics/orders")).status).toBe(404);
  });

  it("validates without creating when validate_only is set (200)", async () => {
    const { request, backend } = testApp();
    const res = await request("/v3/clusters/embedded/topics", {
      method: "POST",
      headers: JSON_HEADERS,
      json: { topic_name: "dry", partitions_count: 2, validate_only: true },
    });
    expect(res.status).toBe(200);
    expect(await backend.describeTopic("dry")).toBeUndefined();
  });

  it("uses DEFAULT_PARTITIONS when partitions_count is left out", async () => {
    const { request } = testApp({ DEFAULT_PARTITIONS: "3" });
    const res = await request("/v3/clusters/embedded/topics", {
      method: "POST",
      headers: JSON_HEADERS,
      json: { topic_name: "defaults" },
    });
    expect((await res.json()).partitions_count).toBe(3);
  });

  it.each([
    ["an existing topic", { topic_name: "dup" }, 400, 40002, /already exists/],
    ["zero partitions", { topic_name: "zero", partitions_count: 0 }, 400, 40002, /larger than 0/],
    [
      "replication beyond the brokers",
      { topic_name: "r", replication_factor: 3 },
      400,
      40002,
      /Replication factor/,
    ],
    ["an illegal name", { topic_name: "a/b" }, 400, 40002, /illegal/],
    ["a missing topic_name", { partitions_count: 1 }, 422, 422, /topic_name/],
    ["an unknown field", { topic_name: "u", partitions: 1 }, 422, 422, /Unrecognized field: partitions/],
  ])("refuses %s", async (_case, body, status, code, message) => {
    const { request, backend } = testApp();
    await backend.createTopic({ topic: "dup", partitions: 1 });
    const res = await request("/v3/clusters/embedded/topics", {
      method: "POST",
      headers: JSON_HEADERS,
      json: body,
    });
    expect(res.status).toBe(status);
    const envelope = await res.json();
    expect(envelope.error_code).toBe(code);
    expect(envelope.message).toMatch(message);
  });

  it("refuses an empty body with 422 and a non-JSON Content-Type with 415", async () => {
    const { request } = testApp();
    const empty = await request("/v3/clusters/embedded/topics", { method: "POST", headers: JSON_HEADERS });
    expect(empty.status).toBe(422);
    const text = await request("/v3/clusters/embedded/topics", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: '{"topic_name":"t"}',
    });
    expect(text.status).toBe(415);
  });

  it("answers 40401 when deleting a topic that does not exist", async () => {
    const { request } = testApp();
    const res = await request("/v3/clusters/embedded/topics/ghost", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect((await res.json()).error_code).toBe(40401);
  });
});
