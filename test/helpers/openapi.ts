import { z } from "zod";

// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON walked by the tests.
export type OpenApiDocument = Record<string, any>;

/** Replaces `{"$ref":"#/components/schemas/X"}` by the component, at any depth. */
export function dereference(doc: OpenApiDocument, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(doc, item));
  if (node === null || typeof node !== "object") return node;
  const ref = (node as { $ref?: string }).$ref;
  if (typeof ref === "string") {
    const target = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((at, step) => at?.[step], doc);
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return dereference(doc, target);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, dereference(doc, v)]));
}

/** Hono's `/topics/:topic` as OpenAPI's `/topics/{topic}`. */
export const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/**
 * The JSON Schema the document gives for a response, found by the request's path template,
 * method, the response's status and media type; falls back to `default` for an undocumented
 * error status, as OpenAPI does. Throws when the document has nothing for it.
 */
export function responseSchema(
  doc: OpenApiDocument,
  method: string,
  template: string,
  status: number,
  contentType: string,
): unknown {
  const operation = doc.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not documented`);
  const response =
    operation.responses[String(status)] ?? (status >= 400 ? operation.responses.default : undefined);
  if (!response) throw new Error(`${method} ${template} does not document status ${status}`);
  const type = contentType.split(";")[0].trim().toLowerCase();
  const media = response.content?.[type];
  if (!media) throw new Error(`${method} ${template} ${status} does not document ${type}`);
  return dereference(doc, media.schema);
}

/**
 * Validates a value against a JSON Schema from the document by turning the schema back into zod
 * (`z.fromJSONSchema`), so the check runs on what the document says, not on the zod schemas it
 * was generated from. Returns the problems; empty when valid.
 */
export function problems(schema: unknown, value: unknown): string[] {
  const result = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
}
