import type { AuthConfig } from "../config/index.ts";
import { ErrorCode, ProxyError } from "../errors.ts";
import { createApiKeyVerifier } from "./api-keys.ts";
import { createTokenVerifier, looksLikeJwt, TokenError, type TokenVerifier } from "./jwt.ts";
import { type Grant, type Principal, parseGrant } from "./permissions.ts";

/** Turns an Authorization header into a principal, or throws 401/40101. */
export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

const EVERYONE = "*";

function unauthorized(reason: string): ProxyError {
  return new ProxyError(ErrorCode.KAFKA_AUTHENTICATION, `Authentication failed: ${reason}.`);
}

function grantsOf(texts: readonly unknown[]): Grant[] {
  return texts.flatMap((t) => (typeof t === "string" ? (parseGrant(t) ?? []) : []));
}

/** Grants a token carries: a `permissions` array and/or an OAuth `scope` string of `action:pattern`. */
function tokenGrants(claims: Record<string, unknown>): Grant[] {
  const listed = Array.isArray(claims.permissions) ? claims.permissions : [];
  const scoped = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  return grantsOf([...listed, ...scoped]);
}

function decodeBasic(encoded: string): { user: string; password: string } | undefined {
  let text: string;
  try {
    text = atob(encoded.trim());
  } catch {
    return undefined;
  }
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Accepts `Authorization: Bearer <API key or JWT>` and `Basic base64(<principal>:<API key>)` (what
 * the Upstash client and `curl -u` send). A principal's grants are those AUTH_PERMISSIONS gives its
 * name, those it gives `*` (everyone), and those a JWT carries in `permissions` or `scope`.
 *
 * @example
 * const authenticate = createAuthenticator(config.auth);
 * const principal = await authenticate(request.headers.get("authorization") ?? undefined);
 */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const apiKey = createApiKeyVerifier(config.apiKeys);
  const verifyToken: TokenVerifier | undefined = config.jwt && createTokenVerifier(config.jwt);
  const configured = new Map(
    Object.entries(config.permissions).map(([name, texts]) => [name, grantsOf(texts)]),
  );
  const everyone = configured.get(EVERYONE) ?? [];
  const principal = (name: string, extra: Grant[] = []): Principal => ({
    name,
    grants: [...(configured.get(name) ?? []), ...everyone, ...extra],
  });

  async function byApiKey(key: string): Promise<Principal> {
    const name = await apiKey(key);
    if (name === undefined) throw unauthorized("the API key is not valid");
    return principal(name);
  }

  async function byToken(token: string): Promise<Principal> {
    if (!verifyToken) throw unauthorized("the API key is not valid");
    try {
      const { subject, claims } = await verifyToken(token);
      return principal(subject, tokenGrants(claims));
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      if (error.unavailable) {
        throw new ProxyError(ErrorCode.INTERNAL, `Authentication could not be checked: ${error.message}.`, {
          cause: error,
        });
      }
      throw unauthorized(error.message);
    }
  }

  return async function authenticate(authorization) {
    if (!authorization) {
      throw new ProxyError(
        ErrorCode.KAFKA_AUTHENTICATION,
        "Authentication required: send Authorization: Bearer <API key or JWT>.",
      );
    }
    const space = authorization.indexOf(" ");
    const scheme = authorization.slice(0, Math.max(0, space)).toLowerCase();
    const credentials = authorization.slice(space + 1).trim();
    if (scheme === "bearer" && credentials !== "") {
      return looksLikeJwt(credentials) && verifyToken ? byToken(credentials) : byApiKey(credentials);
    }
    if (scheme === "basic") {
      const basic = decodeBasic(credentials);
      if (!basic) throw unauthorized("the Basic credentials are malformed");
      const found = await byApiKey(basic.password);
      if (found.name !== basic.user) throw unauthorized("the API key is not valid");
      return found;
    }
    throw unauthorized("the Authorization header must be Bearer <API key or JWT> or Basic");
  };
}
