import type { Context, MiddlewareHandler } from "hono";
import { createAuthenticator } from "../auth/authenticator.ts";
import { type Action, allows, allowsEveryTopic, type Principal, seesTopic } from "../auth/permissions.ts";
import { createRuleMatcher, type MatchedRule, type RouteRule, routeRules } from "../auth/route-rules.ts";
import type { AuthConfig } from "../config/index.ts";
import { ErrorCode, ProxyError } from "../errors.ts";
import type { AppEnv } from "../types.ts";
import { upstashRefusal } from "./upstash-envelope.ts";

export interface AuthOptions {
  /** Where the Upstash dialect is mounted (UPSTASH_PATH_PREFIX). */
  upstashPrefix: string;
  /** The route table; routeRules() unless a test brings its own. */
  rules?: RouteRule[];
}

const CHALLENGE = 'Bearer realm="kafka-edge-proxy"';

function forbidden(principal: Principal, what: string): ProxyError {
  return new ProxyError(
    ErrorCode.KAFKA_AUTHORIZATION,
    `Not authorized: principal '${principal.name}' may not ${what}.`,
  );
}

const VERBS: Record<Action, string> = { produce: "produce to", consume: "consume from", admin: "administer" };

/**
 * Authentication and per-topic authorization, before any route runs. The route table
 * (auth/route-rules.ts) says what each request needs; a path no rule covers needs `admin:*`.
 * Failures are 401/40101 (with a WWW-Authenticate challenge) and 403/40301 in the error
 * envelope. The principal is handed to the consumer use cases as data, so an instance answers
 * only the principal that created it.
 */
export function authenticate(config: AuthConfig, options: AuthOptions): MiddlewareHandler<AppEnv> {
  const signIn = createAuthenticator(config);
  const match = createRuleMatcher(options.rules ?? routeRules(options));

  async function admit(c: Context<AppEnv>, rule: MatchedRule | undefined, known: boolean): Promise<void> {
    let principal: Principal;
    try {
      principal = await signIn(c.req.header("authorization"));
    } catch (error) {
      if (error instanceof ProxyError && error.code === ErrorCode.KAFKA_AUTHENTICATION) {
        c.header("WWW-Authenticate", CHALLENGE);
      }
      throw error;
    }
    c.set("principal", principal);
    c.set("consumers", { ...c.var.consumers, principal: principal.name });
    const requires = rule?.requires;
    if (requires?.kind === "topic") {
      const topic = rule?.params[requires.param] ?? "";
      if (requires.action === "describe") {
        if (!seesTopic(principal, topic)) throw forbidden(principal, `see topic '${topic}'`);
      } else if (!allows(principal, requires.action, topic)) {
        throw forbidden(principal, `${VERBS[requires.action]} topic '${topic}'`);
      }
      return;
    }
    const operatorOnly = requires?.kind === "operator" || (!requires && !known);
    if (operatorOnly && !allowsEveryTopic(principal, "admin")) {
      throw forbidden(principal, `call ${c.req.method} ${c.req.path} (it needs admin:*)`);
    }
  }

  return async function authenticate(c, next) {
    const { rule, known } = match(c.req.method, c.req.path);
    if (rule?.requires.kind === "public") return next();
    try {
      await admit(c, rule, known);
    } catch (error) {
      if (rule?.envelope !== "upstash" || !(error instanceof ProxyError)) throw error;
      return upstashRefusal(c, error);
    }
    return next();
  };
}

/** The signed-in principal; undefined when authentication is off. 401 on a public route. */
function principalOf(c: Context<AppEnv>): Principal | undefined {
  if (!c.var.deps.config.auth) return undefined;
  const principal = c.var.principal;
  if (!principal) {
    throw new ProxyError(ErrorCode.KAFKA_AUTHENTICATION, "Authentication required for this request.");
  }
  return principal;
}

/**
 * For routes that learn their topics from the body: 403/40301 unless the principal may take
 * `action` on every one. A no-op when authentication is off.
 *
 * @example
 * authorize(c, "consume", body.topics);
 */
export function authorize(c: Context<AppEnv>, action: Action, topics: Iterable<string>): void {
  const principal = principalOf(c);
  if (!principal) return;
  for (const topic of topics) {
    if (!allows(principal, action, topic)) throw forbidden(principal, `${VERBS[action]} topic '${topic}'`);
  }
}

/**
 * A regex subscription reaches topics that do not exist yet, so it needs `action:*`: the
 * proxy cannot vouch for topics it has not seen.
 */
export function authorizeAllTopics(c: Context<AppEnv>, action: Action): void {
  const principal = principalOf(c);
  if (principal && !allowsEveryTopic(principal, action)) {
    throw forbidden(principal, `${VERBS[action]} every topic (a topic_pattern needs ${action}:*)`);
  }
}

/** The topics the principal may know exist; all of them when authentication is off. */
export function visibleTopics(c: Context<AppEnv>, topics: string[]): string[] {
  const principal = principalOf(c);
  return principal ? topics.filter((topic) => seesTopic(principal, topic)) : topics;
}
