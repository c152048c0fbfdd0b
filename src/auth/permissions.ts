/**
 * Per-topic permissions. A grant is written `action:pattern`, e.g. `produce:clicks`,
 * `consume:orders-*`, `admin:*`: the action a principal may take on every topic the pattern
 * matches. `*` matches any run of characters (topic names never contain it). The same grammar is
 * used in AUTH_PERMISSIONS and in a JWT's `permissions` or `scope` claim.
 */

export const ACTIONS = ["produce", "consume", "admin"] as const;
export type Action = (typeof ACTIONS)[number];

export interface Grant {
  action: Action;
  /** The pattern as written, for messages and for the `*` check of topic_pattern subscriptions. */
  pattern: string;
  matches: RegExp;
}

/** Who made a request, and what it may do. Never carries the credential it proved itself with. */
export interface Principal {
  name: string;
  grants: Grant[];
}

const GRANT = /^(produce|consume|admin):([A-Za-z0-9._*-]+)$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

/** Parses one `action:pattern`; undefined when it is not one (foreign JWT scopes are ignored). */
export function parseGrant(text: string): Grant | undefined {
  const match = GRANT.exec(text.trim());
  if (!match) return undefined;
  const pattern = match[2];
  const source = pattern.split("*").map(escapeRegExp).join(".*");
  return { action: match[1] as Action, pattern, matches: new RegExp(`^${source}$`) };
}

/** Whether the principal may take `action` on `topic`. */
export function allows(principal: Principal, action: Action, topic: string): boolean {
  return principal.grants.some((g) => g.action === action && g.matches.test(topic));
}

/** Whether the principal holds `action` on every topic there is or will be (`action:*`). */
export function allowsEveryTopic(principal: Principal, action: Action): boolean {
  return principal.grants.some((g) => g.action === action && g.pattern === "*");
}

/** Whether the principal may see that a topic exists: any permission on it. */
export function seesTopic(principal: Principal, topic: string): boolean {
  return principal.grants.some((g) => g.matches.test(topic));
}
