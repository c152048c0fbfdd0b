import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenVerifier, looksLikeJwt, TokenError } from "../../../src/auth/jwt.ts";
import type { JwtConfig } from "../../../src/config/index.ts";
import { type JwksServer, signHs256, startJwksServer } from "../../helpers/jwks-server.ts";

const SECRET = "a-shared-secret-of-at-least-32-characters";

function config(overrides: Partial<JwtConfig>): JwtConfig {
  return { secret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, ...overrides };
}

async function refusal(promise: Promise<unknown>): Promise<TokenError> {
  const error = await promise.then(
    () => expect.unreachable("the token was accepted"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

describe("HS256 tokens", () => {
  const verify = createTokenVerifier(
    config({ secret: SECRET, issuer: "https://id.example.com", audience: "kafka" }),
  );
  const valid = { issuer: "https://id.example.com", audience: "kafka" };

  it("accepts a token signed with the secret and names its subject", async () => {
    const token = await signHs256(SECRET, { sub: "alice", scope: "produce:clicks" }, valid);
    const verified = await verify(token);
    expect(verified.subject).toBe("alice");
    expect(verified.claims.scope).toBe("produce:clicks");
  });

  it("refuses a wrong signature, an expired token, a wrong issuer or audience, a missing sub", async () => {
    const cases = [
      signHs256("another-secret-of-at-least-32-characters!", { sub: "alice" }, valid),
      signHs256(SECRET, { sub: "alice" }, { ...valid, expiresIn: "-1m" }),
      signHs256(SECRET, { sub: "alice" }, { ...valid, issuer: "https://evil.example.com" }),
      signHs256(SECRET, { sub: "alice" }, { ...valid, audience: "other" }),
      signHs256(SECRET, {}, valid),
    ];
    const messages = [];
    for (const token of cases) {
      const error = await refusal(verify(await token));
      expect(error.unavailable).toBe(false);
      messages.push(error.message);
    }
    expect(messages[0]).toMatch(/signature/);
    expect(messages[1]).toMatch(/exp/);
    expect(messages[2]).toMatch(/iss/);
    expect(messages[3]).toMatch(/aud/);
    expect(messages[4]).toMatch(/sub/);
    for (const message of messages) expect(message).not.toContain(SECRET);
  });

  it("refuses unsigned tokens and algorithms it was not configured for", async () => {
    const unsigned = `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${btoa(JSON.stringify({ sub: "alice" })).replace(/=+$/, "")}.`;
    expect((await refusal(verify(unsigned))).message).toMatch(/none are not accepted/);
    const hs512 = await new SignJWT({ sub: "alice" })
      .setProtectedHeader({ alg: "HS512" })
      .sign(new TextEncoder().encode(`${SECRET}${SECRET}`));
    expect((await refusal(verify(hs512))).message).toMatch(/HS512 are not accepted/);
    expect((await refusal(verify("not-a-jwt"))).message).toMatch(/not a JWT/);
  });
});

describe("RS256 and ES256 tokens from a JWKS URL", () => {
  let idp: JwksServer;
  beforeAll(async () => {
    idp = await startJwksServer();
  });
  afterAll(() => idp.close());

  it("accepts tokens signed by either published key, fetching the key set once", async () => {
    const verify = createTokenVerifier(config({ jwksUrl: idp.url }));
    const before = idp.fetches();
    expect((await verify(await idp.sign("rsa", { sub: "rsa-user" }))).subject).toBe("rsa-user");
    expect((await verify(await idp.sign("ec", { sub: "ec-user" }))).subject).toBe("ec-user");
    expect(idp.fetches() - before).toBe(1);
  });

  it("refuses an HS256 token when only the JWKS is configured, so no key can be misused as a secret", async () => {
    const verify = createTokenVerifier(config({ jwksUrl: idp.url }));
    const error = await refusal(verify(await signHs256(SECRET, { sub: "mallory" })));
    expect(error.message).toMatch(/HS256 are not accepted/);
  });

  it("refuses a token signed by a key that is not published", async () => {
    const stranger = await startJwksServer();
    try {
      const verify = createTokenVerifier(config({ jwksUrl: idp.url }));
      const error = await refusal(verify(await stranger.sign("ec", { sub: "mallory" })));
      expect(error.unavailable).toBe(false);
    } finally {
      await stranger.close();
    }
  });

  it("reports an unreachable key set as unavailable, not as a bad token", async () => {
    const gone = await startJwksServer();
    const token = await gone.sign("rsa", { sub: "alice" });
    const url = gone.url;
    await gone.close();
    const error = await refusal(createTokenVerifier(config({ jwksUrl: url }))(token));
    expect(error.unavailable).toBe(true);
  });
});

describe("looksLikeJwt", () => {
  it("tells three base64url parts from an API key", () => {
    expect(looksLikeJwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")).toBe(true);
    expect(looksLikeJwt("kep_live_0123456789abcdef")).toBe(false);
    expect(looksLikeJwt("key.with.dots")).toBe(false);
  });
});
