import { describe, expect, it } from "vitest";
import { base64, testApp } from "../../helpers/app.ts";
import { produce } from "../../helpers/consumers.ts";

const V1 = "application/vnd.kafka.v1+json";

async function v1Consumer() {
  const t = testApp();
  await produce(t, "news", ["one", "two"]);
  await produce(t, "other", ["x"]);
  const created = await t.request("/consumers/legacy", {
    method: "POST",
    headers: { "Content-Type": V1 },
    json: { id: "old", format: "binary", "auto.offset.reset": "smallest", "auto.commit.enable": "false" },
  });
  expect(created.status).toBe(200);
  return t;
}

describe("v1 consumer calls", () => {
  it("subscribes on the first topic read and returns records with their topic", async () => {
    const t = await v1Consumer();
    const res = await t.request("/consumers/legacy/instances/old/topics/news?timeout=200", {
      headers: { Accept: "application/vnd.kafka.binary.v1+json" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.kafka.binary.v1+json");
    const records = await res.json();
    expect(records.map((r: { topic: string; value: string }) => [r.topic, r.value])).toEqual([
      ["news", base64("one")],
      ["news", base64("two")],
    ]);
  });

  it("answers 409/40901 when the instance reads another topic later", async () => {
    const t = await v1Consumer();
    await t.request("/consumers/legacy/instances/old/topics/news?timeout=50");
    const res = await t.request("/consumers/legacy/instances/old/topics/other?timeout=50");
    expect(res.status).toBe(409);
    expect((await res.json()).error_code).toBe(40901);
  });

  it("commits with an empty v1 body and deletes with 204", async () => {
    const t = await v1Consumer();
    await t.request("/consumers/legacy/instances/old/topics/news?timeout=100");
    const commit = await t.request("/consumers/legacy/instances/old/offsets", {
      method: "POST",
      headers: { "Content-Type": V1 },
    });
    expect(commit.status).toBe(200);
    expect(await t.backend.committedOffsets("legacy", [{ topic: "news", partition: 0 }])).toMatchObject([
      { offset: 2 },
    ]);
    expect((await t.request("/consumers/legacy/instances/old", { method: "DELETE" })).status).toBe(204);
  });

  it("answers 40403 for an unknown instance", async () => {
    const t = testApp();
    const res = await t.request("/consumers/legacy/instances/ghost/topics/news");
    expect(res.status).toBe(404);
    expect((await res.json()).error_code).toBe(40403);
  });
});
