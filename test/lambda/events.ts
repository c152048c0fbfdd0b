import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

export interface HttpRequestSpec {
  method: string;
  /** Path with an optional query string, e.g. "/topics/t/partitions/0/messages?offset=0". */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Where the event comes from; both send payload format 2.0 and differ in requestContext. */
export type HttpEventSource = "http-api" | "function-url";

const DOMAINS: Record<HttpEventSource, string> = {
  "http-api": "r2d2c3po.execute-api.us-east-1.amazonaws.com",
  "function-url": "x7k2pq4zmwv3nhe5t6rbuy2ofa0vjmlc.lambda-url.us-east-1.on.aws",
};

/** Content types AWS passes as text; other bodies arrive base64-encoded (`isBase64Encoded`). */
const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript)\b)/i;

/** The origin a handler sees for events built by `httpEvent(source, …)`. */
export function eventOrigin(source: HttpEventSource): string {
  return `https://${DOMAINS[source]}`;
}

/**
 * A payload 2.0 event as API Gateway's HTTP API or a Function URL delivers it for `request`, in the
 * shape of the recorded events in test/lambda/events/: lower-case headers, the query both raw and
 * parsed, and a body that is base64-encoded unless its content type is text.
 */
export function httpEvent(source: HttpEventSource, request: HttpRequestSpec): Record<string, unknown> {
  const url = new URL(request.path, eventOrigin(source));
  const domain = DOMAINS[source];
  const now = Date.now();
  const headers: Record<string, string> = {
    host: domain,
    "user-agent": "conformance/1.0",
    "x-forwarded-for": "203.0.113.7",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: source === "http-api" ? "123456789012" : "anonymous",
      apiId: domain.split(".")[0],
      domainName: domain,
      domainPrefix: domain.split(".")[0],
      http: {
        method: request.method,
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "conformance/1.0",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    isBase64Encoded: false,
  };
  if (url.search !== "") event.queryStringParameters = Object.fromEntries(url.searchParams);
  if (request.body !== undefined && request.body !== "") {
    const text = TEXT_TYPE.test(headers["content-type"] ?? "");
    headers["content-length"] = String(Buffer.byteLength(request.body));
    event.body = text ? request.body : Buffer.from(request.body).toString("base64");
    event.isBase64Encoded = !text;
  }
  return event;
}

/** A recorded event: test/lambda/events/<source>/<name>.json. */
export function recordedEvent(source: HttpEventSource | "kafka", name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./events/${source}/${name}.json`, import.meta.url), "utf8"));
}
