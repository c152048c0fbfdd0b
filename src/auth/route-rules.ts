import type { Action } from "./permissions.ts";

/**
 * What a request needs before its route runs:
 * - `public`: nothing (health checks, the API description; webhooks, which verify their own
 *   signatures);
 * - `principal`: any signed-in principal; the route checks topics named in the body itself
 *   (`authorize` in middleware/auth.ts) and consumer instances check their owner;
 * - `topic`: an action on the topic named by the path parameter `param`; `describe` is any
 *   permission on it;
 * - `operator`: `admin:*`, for what spans every topic (sink status and flushes).
 */
export type Requirement =
  | { kind: "public" }
  | { kind: "principal" }
  | { kind: "topic"; action: Action | "describe"; param: string }
  | { kind: "operator" };

/** A method (`*`: any) and a path in Hono's syntax; a trailing `/*` matches any rest. */
export interface RouteRule {
  method: string;
  path: string;
  requires: Requirement;
  /** The error envelope of the dialect the path belongs to; Confluent's unless it says so. */
  envelope?: "upstash";
}

const PUBLIC: Requirement = { kind: "public" };
const PRINCIPAL: Requirement = { kind: "principal" };
const OPERATOR: Requirement = { kind: "operator" };
const topic = (action: Action | "describe", param = "topic"): Requirement => ({
  kind: "topic",
  action,
  param,
});

/**
 * Every route's requirement, in one table: a route added without a line here is refused to
 * everyone but holders of `admin:*`. The first rule matching method and path wins. The Upstash
 * dialect lives under its configurable prefix; its routes check topics with `authorize`.
 */
export const routeRules = (options: { upstashPrefix: string }): RouteRule[] => [
  { method: "GET", path: "/healthz", requires: PUBLIC },
  { method: "GET", path: "/readyz", requires: PUBLIC },
  { method: "GET", path: "/openapi.json", requires: PUBLIC },
  { method: "GET", path: "/docs", requires: PUBLIC },
  { method: "POST", path: "/webhooks/:name", requires: PUBLIC },
  { method: "*", path: `${options.upstashPrefix}/*`, requires: PRINCIPAL, envelope: "upstash" },
  { method: "*", path: "/sinks/*", requires: OPERATOR },
  { method: "GET", path: "/", requires: PRINCIPAL },
  { method: "POST", path: "/", requires: PRINCIPAL },
  { method: "GET", path: "/brokers", requires: PRINCIPAL },
  { method: "GET", path: "/topics", requires: PRINCIPAL },
  { method: "GET", path: "/topics/:topic", requires: topic("describe") },
  { method: "POST", path: "/topics/:topic", requires: topic("produce") },
  { method: "GET", path: "/topics/:topic/partitions", requires: topic("describe") },
  { method: "GET", path: "/topics/:topic/partitions/:partition", requires: topic("describe") },
  { method: "POST", path: "/topics/:topic/partitions/:partition", requires: topic("produce") },
  { method: "GET", path: "/topics/:topic/partitions/:partition/offsets", requires: topic("describe") },
  { method: "GET", path: "/topics/:topic/partitions/:partition/messages", requires: topic("consume") },
  { method: "POST", path: "/consumers/:group", requires: PRINCIPAL },
  { method: "GET", path: "/consumers/:group/instances/:instance/topics/:topic", requires: topic("consume") },
  { method: "*", path: "/consumers/:group/instances/:instance/*", requires: PRINCIPAL },
  { method: "GET", path: "/v3/clusters", requires: PRINCIPAL },
  { method: "GET", path: "/v3/clusters/:cluster_id", requires: PRINCIPAL },
  { method: "*", path: "/v3/clusters/:cluster_id/topics", requires: PRINCIPAL },
  { method: "GET", path: "/v3/clusters/:cluster_id/topics/:topic", requires: topic("describe") },
  { method: "DELETE", path: "/v3/clusters/:cluster_id/topics/:topic", requires: topic("admin") },
];

export interface MatchedRule {
  requires: Requirement;
  params: Record<string, string>;
  envelope?: "upstash";
}

interface CompiledRule {
  method: string;
  pattern: RegExp;
  names: string[];
  requires: Requirement;
  envelope?: "upstash";
}

function compile(rule: RouteRule): CompiledRule {
  const names: string[] = [];
  const source = rule.path
    .split("/")
    .map((segment) => {
      if (segment === "*") return "(?:/.*)?";
      if (segment.startsWith(":")) {
        names.push(segment.slice(1));
        return "/([^/]+)";
      }
      return segment === "" ? "" : `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
    })
    .join("");
  return {
    method: rule.method,
    pattern: new RegExp(`^${source || "/"}$`),
    names,
    requires: rule.requires,
    envelope: rule.envelope,
  };
}

/**
 * Finds the requirement of a request. `known` tells a path some rule covers with another method
 * (the router answers 405 for it) from a path no rule covers at all.
 */
export function createRuleMatcher(rules: RouteRule[]) {
  const compiled = rules.map(compile);
  return (method: string, path: string): { rule: MatchedRule | undefined; known: boolean } => {
    const asked = method === "HEAD" ? "GET" : method;
    let known = false;
    for (const rule of compiled) {
      const match = rule.pattern.exec(path);
      if (!match) continue;
      known = true;
      if (rule.method !== "*" && rule.method !== asked) continue;
      const params = Object.fromEntries(rule.names.map((name, i) => [name, decodeParam(match[i + 1])]));
      return { rule: { requires: rule.requires, params, envelope: rule.envelope }, known };
    }
    return { rule: undefined, known };
  };
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
