import { z } from "zod";
import { JSON_TYPE, KAFKA_V2_JSON } from "../middleware/negotiate.ts";
import { CONFLUENT_OPERATIONS } from "./confluent.ts";
import { CONSUMER_OPERATIONS } from "./consumers.ts";
import type { Operation } from "./operations.ts";
import { PROXY_OPERATIONS } from "./proxy.ts";
import { errorResponse } from "./responses.ts";
import { SINK_OPERATIONS } from "./sinks.ts";
import { upstashErrorResponse, upstashOperations } from "./upstash.ts";

export interface OpenApiOptions {
  /** Where the Upstash dialect is mounted (UPSTASH_PATH_PREFIX). */
  upstashPathPrefix: string;
}

/** Every documented operation; test/unit/openapi.test.ts checks them against the app's routes. */
export function documentedOperations(options: OpenApiOptions): Operation[] {
  return [
    ...CONFLUENT_OPERATIONS,
    ...CONSUMER_OPERATIONS,
    ...PROXY_OPERATIONS,
    ...SINK_OPERATIONS,
    ...upstashOperations(options.upstashPathPrefix),
  ];
}

type JsonSchema = Record<string, unknown>;

const PATH_PARAMETERS: Record<string, { description: string; schema: JsonSchema }> = {
  topic: { description: "Topic name.", schema: { type: "string" } },
  partition: { description: "Partition number.", schema: { type: "integer", minimum: 0 } },
  group: { description: "Consumer group.", schema: { type: "string" } },
  instance: { description: "Consumer instance id.", schema: { type: "string" } },
  cluster_id: { description: "Cluster id (`embedded` for the embedded log).", schema: { type: "string" } },
  name: { description: "The webhook's or sink's configured name.", schema: { type: "string" } },
  message: { description: "The message value.", schema: { type: "string" } },
  timestamp: {
    description: "Time in ms since the epoch, `earliest` or `latest`.",
    schema: { type: "string" },
  },
};

/**
 * JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, as the route receives it (`input`:
 * before transforms) or sends it (`output`).
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
  });
  return rest;
}

function content(
  map: Record<string, z.ZodType | "bytes" | "html">,
  io: "input" | "output",
): Record<string, { schema: JsonSchema }> {
  return Object.fromEntries(
    Object.entries(map).map(([type, schema]) => {
      if (schema === "bytes") return [type, { schema: { contentMediaType: "application/octet-stream" } }];
      if (schema === "html") return [type, { schema: { type: "string", contentMediaType: "text/html" } }];
      return [type, { schema: jsonSchema(schema, io) }];
    }),
  );
}

function parameters(op: Operation): JsonSchema[] {
  const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    ...PATH_PARAMETERS[name],
  }));
  const query = Object.entries(op.query?.shape ?? {}).map(([name, schema]) => {
    const described = jsonSchema(schema as z.ZodType, "input");
    const { description, ...rest } = described;
    return {
      name,
      in: "query",
      required: !(schema as z.ZodType).safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
  const headers = (op.headers ?? []).map((h) => ({
    name: h.name,
    in: "header",
    required: h.required ?? false,
    description: h.description,
    schema: { type: "string" },
  }));
  return [...inPath, ...query, ...headers];
}

const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");

/** getTopicsByTopicPartitions for GET /topics/{topic}/partitions. */
function operationId(op: Operation): string {
  const segments = op.path.split("/").filter((s) => s !== "");
  const name = segments.map((s) => (s.startsWith("{") ? `By${pascal(s)}` : pascal(s))).join("");
  return `${op.method}${name || "Root"}`;
}

function security(op: Operation): JsonSchema {
  if (op.public) return { security: [] };
  if (op.dialect === "upstash") return { security: [{ upstashBasic: [] }, {}] };
  return {};
}

function defaultResponse(op: Operation): JsonSchema {
  if (op.dialect === "upstash") {
    return {
      description: "An error, in the Upstash envelope.",
      content: { [JSON_TYPE]: { schema: { $ref: "#/components/schemas/UpstashError" } } },
    };
  }
  const errorRef = { schema: { $ref: "#/components/schemas/Error" } };
  return {
    description: "An error, in Confluent's envelope.",
    content: { [JSON_TYPE]: errorRef, [KAFKA_V2_JSON]: errorRef },
  };
}

function operationObject(op: Operation): JsonSchema {
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    ...security(op),
    parameters: parameters(op),
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required,
            ...(op.body.description === undefined ? {} : { description: op.body.description }),
            content: content(op.body.content, "input"),
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(op.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.content ? { content: content(response.content, "output") } : {}),
          },
        ]),
      ),
      default: defaultResponse(op),
    },
  };
}

/** The proxy's version, kept equal to package.json's by test/unit/openapi.test.ts. */
export const PROXY_VERSION = "0.1.0";

/** The OpenAPI 3.1 document of the whole proxy, generated from the zod schemas the routes use. */
export function buildOpenApiDocument(options: OpenApiOptions): JsonSchema {
  const operations = documentedOperations(options);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    paths[op.path] ??= {};
    paths[op.path][op.method] = operationObject(op);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "kafka-edge-proxy",
      version: PROXY_VERSION,
      description:
        "A stateless HTTP proxy for Apache Kafka: the Confluent REST Proxy v2 API, the legacy v1 reads, a minimal v3 topic admin, and webhook ingest.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    // Applies only with AUTH_ENABLED=true; public operations override it with an empty list.
    security: [{ bearer: [] }],
    components: {
      schemas: {
        Error: jsonSchema(errorResponse, "output"),
        UpstashError: jsonSchema(upstashErrorResponse, "output"),
      },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API key from AUTH_API_KEYS or a JWT, when the proxy runs with AUTH_ENABLED=true.",
        },
        upstashBasic: {
          type: "http",
          scheme: "basic",
          description: "The Upstash dialect's UPSTASH_USERNAME and UPSTASH_PASSWORD, when they are set.",
        },
      },
    },
  };
}
