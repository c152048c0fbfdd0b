import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument, documentedOperations } from "../../src/openapi/document.ts";
import { produceRequest } from "../../src/routes/confluent-v2/produce.ts";
import { createTopicRequest } from "../../src/routes/confluent-v3/topics.ts";
import { testApp, V2_BINARY } from "../helpers/app.ts";
import { dereference, type OpenApiDocument, problems, toOpenApiPath } from "../helpers/openapi.ts";

const METHODS = ["get", "post", "put", "delete"];

async function served(): Promise<OpenApiDocument> {
  const res = await testApp().app.request("/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/json");
  return res.json();
}

function operations(doc: OpenApiDocument) {
  return Object.entries(doc.paths as Record<string, Record<string, OpenApiDocument>>).flatMap(
    ([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
}

/** Every JSON Schema in the document: parameters, request bodies, responses, components. */
function schemas(doc: OpenApiDocument): Array<{ where: string; schema: unknown }> {
  const found: Array<{ where: string; schema: unknown }> = [];
  for (const { path, method, operation } of operations(doc)) {
    const where = `${method} ${path}`;
    for (const p of operation.parameters) found.push({ where: `${where} ${p.name}`, schema: p.schema });
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {}))
      found.push({ where: `${where} body ${type}`, schema: (media as OpenApiDocument).schema });
    for (const [status, response] of Object.entries(operation.responses as Record<string, OpenApiDocument>))
      for (const [type, media] of Object.entries(response.content ?? {}))
        found.push({ where: `${where} ${status} ${type}`, schema: (media as OpenApiDocument).schema });
  }
  return found;
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document of the proxy at package.json's version", async () => {
    const doc = await served();
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "kafka-edge-proxy", version: pkg.version });
    expect(doc.jsonSchemaDialect).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(doc).toEqual(buildOpenApiDocument({ upstashPathPrefix: "/upstash" }));
  });

  it("documents every route the app registers, and nothing else", async () => {
    const registered = new Set(
      testApp()
        .app.routes.filter((r) => METHODS.includes(r.method.toLowerCase()) && !r.path.endsWith("*"))
        .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    const documented = new Set(operations(await served()).map(({ method, path }) => `${method} ${path}`));
    expect([...registered].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !registered.has(route))).toEqual([]);
  });

  it("gives every operation a unique id, a tag, its path parameters and a default error response", async () => {
    const doc = await served();
    const ids = operations(doc).map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
    for (const { path, method, operation } of operations(doc)) {
      const where = `${method} ${path}`;
      expect(METHODS, where).toContain(method);
      expect(tags.has(operation.tags[0]), where).toBe(true);
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      const declared = operation.parameters.filter((p: OpenApiDocument) => p.in === "path");
      expect(
        declared.map((p: OpenApiDocument) => p.name),
        where,
      ).toEqual(inPath);
      for (const p of declared) expect(p, `${where} ${p.name}`).toMatchObject({ required: true, schema: {} });
      expect(Object.keys(operation.responses).length, where).toBeGreaterThan(1);
      for (const status of Object.keys(operation.responses))
        expect(status, where).toMatch(/^(\d{3}|default)$/);
      const error = dereference(doc, operation.responses.default.content["application/json"].schema);
      const envelope = path.startsWith("/upstash/") ? ["error", "status"] : ["error_code", "message"];
      expect(error, where).toMatchObject({ required: envelope });
    }
  });

  it("holds only JSON Schemas that resolve and compile", async () => {
    const doc = await served();
    const all = schemas(doc);
    expect(all.length).toBeGreaterThan(100);
    for (const { where, schema } of all) {
      expect(() => z.fromJSONSchema(dereference(doc, schema) as never), where).not.toThrow();
    }
  });

  it("marks webhooks, health and the docs as public and everything else as using the bearer scheme", async () => {
    const doc = await served();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearer: [] }]);
    const open = operations(doc)
      .filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0)
      .map(({ method, path }) => `${method} ${path}`);
    expect(open).toEqual([
      "get /healthz",
      "get /readyz",
      "post /webhooks/{name}",
      "get /openapi.json",
      "get /docs",
    ]);
  });
});

describe("the document's request schemas are the routes' own", () => {
  it("generates produce and v3 create-topic bodies from the zod schemas the routes validate with", async () => {
    const doc = await served();
    const produceBody = doc.paths["/topics/{topic}"].post.requestBody.content[V2_BINARY].schema;
    const { $schema: _p, ...produceSchema } = z.toJSONSchema(produceRequest, {
      io: "input",
      target: "draft-2020-12",
    });
    expect(produceBody).toEqual(produceSchema);
    const createBody =
      doc.paths["/v3/clusters/{cluster_id}/topics"].post.requestBody.content["application/json"].schema;
    const { $schema: _c, ...createSchema } = z.toJSONSchema(createTopicRequest, {
      io: "input",
      target: "draft-2020-12",
    });
    expect(createBody).toEqual(createSchema);
  });

  it("rejects what the route rejects and accepts what it accepts", async () => {
    const doc = await served();
    const schema = doc.paths["/topics/{topic}"].post.requestBody.content[V2_BINARY].schema;
    const t = testApp();
    const cases = [
      { body: { records: [{ value: "aGk=" }] }, accepted: true },
      { body: { records: [{ value: "aGk=", partition: 0 }] }, accepted: true },
      { body: { records: [] }, accepted: false },
      { body: { records: [{ value: "aGk=", colour: "red" }] }, accepted: false },
      { body: { records: [{ value: "aGk=", partition: -1 }] }, accepted: false },
      { body: { records: [{ value: "aGk=" }], extra: true }, accepted: false },
    ];
    for (const { body, accepted } of cases) {
      const res = await t.request("/topics/doc-check", {
        method: "POST",
        headers: { "Content-Type": V2_BINARY },
        json: body,
      });
      expect(res.status, JSON.stringify(body)).toBe(accepted ? 200 : 422);
      expect(problems(schema, body).length === 0, JSON.stringify(body)).toBe(accepted);
    }
  });

  it("lists the v1 read's query parameters from its query schema", async () => {
    const doc = await served();
    const params = doc.paths["/topics/{topic}/partitions/{partition}/messages"].get.parameters;
    expect(
      params.filter((p: OpenApiDocument) => p.in === "query").map((p: OpenApiDocument) => p.name),
    ).toEqual(["offset", "timestamp", "count"]);
  });

  it("describes each documented operation exactly once", () => {
    const keys = documentedOperations({ upstashPathPrefix: "/upstash" }).map(
      (op) => `${op.method} ${op.path}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("GET /docs", () => {
  it("is a self-contained HTML page: no script, style or font from anywhere else", async () => {
    const res = await testApp().app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).toContain("openapi.json");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
