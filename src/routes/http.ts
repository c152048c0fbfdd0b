import type { Context, Handler, Hono, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";

/** Sends JSON with the media type negotiated by `accepts`. */
export function send(c: Context<AppEnv>, body: unknown, status: 200 | 201 = 200): Response {
  return c.body(JSON.stringify(body), status, { "Content-Type": c.var.responseType });
}

/** The request body as JSON; undefined when the body is empty. Malformed JSON is a 400. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const getBody = c.req.method === "GET" ? c.env?.getRequestBody : undefined;
  const text = getBody ? await getBody() : await c.req.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProxyError(
      ErrorCode.BAD_REQUEST,
      `Malformed JSON in request body: ${(error as Error).message}`,
    );
  }
}

/**
 * Validates a parsed body against a strict schema the way Confluent's Jackson binding reports it:
 * an unknown field is 422 "Unrecognized field: x", any other violation 422 naming the field.
 */
export function validate<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    throw new ProxyError(ErrorCode.UNPROCESSABLE, `Unrecognized field: ${issue.keys[0]}`);
  }
  const path = issue.path.join(".");
  throw new ProxyError(ErrorCode.UNPROCESSABLE, path ? `${path}: ${issue.message}` : issue.message);
}

/** A path parameter that must be a partition number; anything else names no partition. */
export function partitionParam(c: Context<AppEnv>, topic: string): number {
  const raw = c.req.param("partition") ?? "";
  if (!/^\d{1,9}$/.test(raw)) {
    throw new ProxyError(
      ErrorCode.PARTITION_NOT_FOUND,
      `Partition '${raw}' of topic '${topic}' not found: a partition is a non-negative integer.`,
    );
  }
  return Number(raw);
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

/**
 * Registers routes and remembers which methods each path has, so that `close()` can answer
 * other methods on a known path with 405 and an Allow header instead of a 404.
 */
export function createRouter(app: Hono<AppEnv>) {
  const methods = new Map<string, Set<Method>>();
  const on =
    (method: Method) =>
    (path: string, ...handlers: [...MiddlewareHandler<AppEnv>[], Handler<AppEnv>]) => {
      app.on(method, [path], ...handlers);
      const known = methods.get(path) ?? new Set();
      known.add(method);
      methods.set(path, known);
    };
  return {
    get: on("GET"),
    post: on("POST"),
    put: on("PUT"),
    delete: on("DELETE"),
    close(): void {
      for (const [path, known] of methods) {
        const allow = [...known, ...(known.has("GET") ? ["HEAD"] : [])].join(", ");
        app.all(path, (c) => {
          c.header("Allow", allow);
          throw new ProxyError(
            ErrorCode.METHOD_NOT_ALLOWED,
            `HTTP 405 Method Not Allowed: ${c.req.method} is not supported here; use ${allow}.`,
          );
        });
      }
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
