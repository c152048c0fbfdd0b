import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { base64, testApp, V2, V2_BINARY, V2_JSON } from "../helpers/app.ts";
import { type OpenApiDocument, problems, responseSchema } from "../helpers/openapi.ts";

/**
 * Real responses of the app, checked against the schemas the served OpenAPI document gives for
 * their path, method, status and Content-Type. The schemas are turned back into zod with
 * z.fromJSONSchema, so this checks the document as published, not the zod it came from.
 */

const SECRET = "doc-check-secret";
const t = testApp({
  WEBHOOKS: JSON.stringify([
    {
      name: "gh",
      topic: "hooks",
      secret: SECRET,
      signature: { scheme: "github" },
      replay: { header: "X-GitHub-Delivery", windowSeconds: 60 },
    },
  ]),
});
let doc: OpenApiDocument;
const checked: string[] = [];

beforeAll(async () => {
  doc = await (await t.app.request("/openapi.json")).json();
});

/** Sends a request to a documented path template and checks the answer against the document. */
async function call(
  method: string,
  template: string,
  params: Record<string, string> = {},
  init: RequestInit & { json?: unknown } = {},
) {
  const [pathTemplate, query] = template.split("?");
  const filled = pathTemplate.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name]));
  const path = query === undefined ? filled : `${filled}?${query}`;
  const res = await t.request(path, { ...init, method });
  const type = res.headers.get("content-type") ?? "";
  const body = res.status === 204 ? undefined : await res.json();
  if (res.status !== 204) {
    const schema = responseSchema(doc, method, pathTemplate, res.status, type);
    expect(
      problems(schema, body),
      `${method} ${path} → ${res.status} ${type}: ${JSON.stringify(body)}`,
    ).toEqual([]);
  } else {
    expect(
      doc.paths[pathTemplate][method.toLowerCase()].responses["204"],
      `${method} ${template} 204`,
    ).toBeDefined();
  }
  checked.push(`${method} ${pathTemplate}`);
  return { status: res.status, body };
}

const v2 = (json?: unknown, accept = V2) => ({ headers: { "Content-Type": V2, Accept: accept }, json });
const INSTANCE = "/consumers/{group}/instances/{instance}";
const me = { group: "g", instance: "i", topic: "orders" };

describe("real responses match the OpenAPI document", () => {
  it("metadata, produce and the v3 admin", async () => {
    await call("GET", "/");
    await call("POST", "/");
    await call(
      "POST",
      "/v3/clusters/{cluster_id}/topics",
      { cluster_id: "embedded" },
      {
        headers: { "Content-Type": "application/json" },
        json: { topic_name: "orders", partitions_count: 2 },
      },
    );
    const produced = await call("POST", "/topics/{topic}", me, {
      headers: { "Content-Type": V2_BINARY },
      json: {
        records: [
          { key: base64("k"), value: base64("v") },
          { value: base64("w"), partition: 1 },
        ],
      },
    });
    expect(produced.status).toBe(200);
    await call(
      "POST",
      "/topics/{topic}/partitions/{partition}",
      { ...me, partition: "0" },
      {
        headers: { "Content-Type": V2_JSON },
        json: { records: [{ value: { n: 1 } }] },
      },
    );
    await call("GET", "/topics");
    await call("GET", "/topics/{topic}", me);
    await call("GET", "/topics/{topic}/partitions", me);
    await call("GET", "/topics/{topic}/partitions/{partition}", { ...me, partition: "1" });
    await call("GET", "/topics/{topic}/partitions/{partition}/offsets", { ...me, partition: "0" });
    await call("GET", "/brokers");
    await call("GET", "/v3/clusters");
    await call("GET", "/v3/clusters/{cluster_id}", { cluster_id: "embedded" });
    await call("GET", "/v3/clusters/{cluster_id}/topics", { cluster_id: "embedded" });
    await call("GET", "/v3/clusters/{cluster_id}/topics/{topic}", {
      cluster_id: "embedded",
      topic: "orders",
    });
  });

  it("the v1 read in both formats", async () => {
    const at = { ...me, partition: "1" };
    const binary = await call("GET", "/topics/{topic}/partitions/{partition}/messages?offset=0", at);
    expect(binary.body).toHaveLength(1);
    // Partition 0 holds the binary record keyed "k" at offset 0, then the JSON one.
    const json = await call(
      "GET",
      "/topics/{topic}/partitions/{partition}/messages?offset=1",
      { ...me, partition: "0" },
      {
        headers: { Accept: "application/vnd.kafka.json.v1+json" },
      },
    );
    expect(json.body).toEqual([{ key: null, value: { n: 1 }, partition: 0, offset: 1 }]);
  });

  it("a consumer's whole life", async () => {
    await call(
      "POST",
      "/consumers/{group}",
      me,
      v2({ name: "i", format: "binary", "auto.offset.reset": "earliest" }),
    );
    await call("POST", `${INSTANCE}/subscription`, me, v2({ topics: ["orders"] }));
    await call("GET", `${INSTANCE}/subscription`, me);
    const read = await call("GET", `${INSTANCE}/records?timeout=500`, me, { headers: { Accept: V2_BINARY } });
    expect(read.body.length).toBeGreaterThan(0);
    await call("POST", `${INSTANCE}/offsets`, me, v2());
    await call("GET", `${INSTANCE}/offsets`, me);
    await call("DELETE", `${INSTANCE}/subscription`, me);
    await call(
      "POST",
      `${INSTANCE}/assignments`,
      me,
      v2({ partitions: [{ topic: "orders", partition: 0 }] }),
    );
    await call("GET", `${INSTANCE}/assignments`, me);
    await call(
      "POST",
      `${INSTANCE}/positions`,
      me,
      v2({ offsets: [{ topic: "orders", partition: 0, offset: 0 }] }),
    );
    await call(
      "POST",
      `${INSTANCE}/positions/beginning`,
      me,
      v2({ partitions: [{ topic: "orders", partition: 0 }] }),
    );
    await call(
      "POST",
      `${INSTANCE}/positions/end`,
      me,
      v2({ partitions: [{ topic: "orders", partition: 0 }] }),
    );
    await call("DELETE", INSTANCE, me);
    await call("POST", "/consumers/{group}", me, v2({ name: "j", format: "json" }));
    const v1 = await call(
      "GET",
      `${INSTANCE}/topics/{topic}?timeout=200`,
      { ...me, instance: "j" },
      {
        headers: { Accept: "application/vnd.kafka.json.v1+json" },
      },
    );
    expect(v1.status).toBe(200);
  });

  it("webhooks, health and errors", async () => {
    const body = '{"zen":"Keep it logically awesome."}';
    const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const delivery = { headers: { "X-Hub-Signature-256": signature, "X-GitHub-Delivery": "d" }, body };
    expect((await call("POST", "/webhooks/{name}", { name: "gh" }, delivery)).body.duplicate).toBe(false);
    expect((await call("POST", "/webhooks/{name}", { name: "gh" }, delivery)).body.duplicate).toBe(true);
    expect(
      (await call("POST", "/webhooks/{name}", { name: "gh" }, { ...delivery, body: `${body} ` })).status,
    ).toBe(401);
    expect((await call("POST", "/webhooks/{name}", { name: "nope" }, delivery)).status).toBe(404);
    await t.backend.createTopic({ topic: "doomed", partitions: 1 });
    await call("DELETE", "/v3/clusters/{cluster_id}/topics/{topic}", {
      cluster_id: "embedded",
      topic: "doomed",
    });
    await call("GET", "/openapi.json");
    await call("GET", "/healthz");
    await call("GET", "/readyz");
    expect((await call("GET", "/topics/{topic}", { topic: "missing" })).status).toBe(404);
    expect((await call("GET", `${INSTANCE}/subscription`, { group: "g", instance: "gone" })).status).toBe(
      404,
    );
    const bad = await call("POST", "/topics/{topic}", me, {
      headers: { "Content-Type": V2_BINARY },
      json: { records: [] },
    });
    expect(bad.status).toBe(422);
  });

  it("the Upstash dialect and sinks", async () => {
    const json = (body: unknown) => ({ headers: { "Content-Type": "application/json" }, json: body });
    const produced = await call(
      "POST",
      "/upstash/produce/{topic}",
      { topic: "up" },
      json({ value: "hi", key: "k" }),
    );
    expect(produced.body).toMatchObject([{ topic: "up", partition: 0, offset: 0 }]);
    await call("POST", "/upstash/produce", {}, json([{ topic: "up", value: "again" }]));
    await call("GET", "/upstash/topics");
    const fetched = await call("POST", "/upstash/fetch", {}, json({ topic: "up", partition: 0, offset: 0 }));
    expect(fetched.body).toHaveLength(2);
    await call(
      "POST",
      "/upstash/offsets/{timestamp}",
      { timestamp: "latest" },
      json({ topic: "up", partition: 0 }),
    );
    expect(
      (await call("POST", "/upstash/produce/{topic}", { topic: "up" }, json({ key: "no value" }))).status,
    ).toBe(400);
    expect((await call("GET", "/sinks")).body).toEqual([]);
  });

  it("covered every documented Confluent, webhook and health operation", () => {
    const operations = Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const covered = new Set(checked);
    const notCovered = operations.filter((op) => !covered.has(op) && !/ \/(upstash|sinks|docs)/.test(op));
    expect(notCovered).toEqual([]);
  });

  it("would catch a response that breaks the document", () => {
    const schema = responseSchema(doc, "POST", "/topics/{topic}", 200, V2);
    const good = {
      offsets: [{ partition: 0, offset: 1, error_code: null, error: null }],
      key_schema_id: null,
      value_schema_id: null,
    };
    expect(problems(schema, good)).toEqual([]);
    expect(problems(schema, { ...good, extra: 1 })).not.toEqual([]);
    expect(problems(schema, { ...good, offsets: [{ ...good.offsets[0], offset: "1" }] })).not.toEqual([]);
    expect(() => responseSchema(doc, "GET", "/topics", 200, "text/plain")).toThrow(
      /does not document text\/plain/,
    );
  });
});
