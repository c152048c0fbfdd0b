import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import type { JwtConfig } from "../config/index.ts";

/** Why a token was refused, in words safe to show the client (never the token). */
export class TokenError extends Error {
  /** True when the token could not be checked (the JWKS URL failed), not when it was bad. */
  readonly unavailable: boolean;

  constructor(message: string, options: { cause?: unknown; unavailable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = "TokenError";
    this.unavailable = options.unavailable ?? false;
  }
}

export interface VerifiedToken {
  subject: string;
  claims: JWTPayload;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

const ASYMMETRIC = ["RS256", "ES256"];

/** Whether a bearer token is a JWT (three base64url parts, a JSON header) rather than an API key. */
export function looksLikeJwt(token: string): boolean {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

/**
 * Verifies JWT bearer tokens with jose: HS256 against the shared secret, RS256 and ES256 against
 * the keys published at the JWKS URL (fetched on first use, cached, refetched for an unknown
 * `kid`). The algorithm is taken from the token's header but only ever one the configuration
 * allows, so a token cannot pick a weaker check. `sub` names the principal.
 *
 * @example
 * const verify = createTokenVerifier({ secret, jwksUrl: undefined, issuer: "https://id.example.com", audience: undefined });
 * const { subject } = await verify(token);
 */
export function createTokenVerifier(config: JwtConfig): TokenVerifier {
  const secret = config.secret === undefined ? undefined : new TextEncoder().encode(config.secret);
  const jwks = config.jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(config.jwksUrl));
  const claims = { issuer: config.issuer, audience: config.audience };

  return async function verifyToken(token) {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (error) {
      throw new TokenError("the token is not a JWT", { cause: error });
    }
    let payload: JWTPayload;
    try {
      if (alg === "HS256" && secret) {
        ({ payload } = await jwtVerify(token, secret, { ...claims, algorithms: ["HS256"] }));
      } else if (alg !== undefined && ASYMMETRIC.includes(alg) && jwks) {
        ({ payload } = await jwtVerify(token, jwks, { ...claims, algorithms: ASYMMETRIC }));
      } else {
        throw new TokenError(`tokens signed with ${alg ?? "no algorithm"} are not accepted`);
      }
    } catch (error) {
      if (error instanceof TokenError) throw error;
      throw refusal(error);
    }
    if (typeof payload.sub !== "string" || payload.sub === "") {
      throw new TokenError("the token has no subject (sub)");
    }
    return { subject: payload.sub, claims: payload };
  };
}

/** Errors of jose that mean the key set could not be had, rather than that the token is bad. */
const UNAVAILABLE = new Set(["ERR_JWKS_TIMEOUT", "ERR_JOSE_GENERIC", "ERR_JWKS_INVALID"]);

/** jose's messages name the failed check ("exp" claim timestamp check failed, …) and no secrets. */
function refusal(error: unknown): TokenError {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("ERR_") || UNAVAILABLE.has(code)) {
    return new TokenError("the signing keys at AUTH_JWKS_URL could not be fetched", {
      cause: error,
      unavailable: true,
    });
  }
  return new TokenError(`the token is not valid: ${(error as Error).message}`, { cause: error });
}
