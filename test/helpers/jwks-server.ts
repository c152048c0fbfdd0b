import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  fetches(): number;
  /** Signs a token with the named key (its kid is in the published set). */
  sign(kid: "rsa" | "ec", claims: Record<string, unknown>, options?: { expiresIn?: string }): Promise<string>;
  close(): Promise<void>;
}

/** A local identity provider: RS256 and ES256 keys, the public halves published as a JWKS. */
export async function startJwksServer(): Promise<JwksServer> {
  const rsa = await generateKeyPair("RS256");
  const ec = await generateKeyPair("ES256");
  const keys: JWK[] = [
    { ...(await exportJWK(rsa.publicKey)), kid: "rsa", alg: "RS256", use: "sig" },
    { ...(await exportJWK(ec.publicKey)), kid: "ec", alg: "ES256", use: "sig" },
  ];
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    sign(kid, claims, options = {}) {
      const alg = kid === "rsa" ? "RS256" : "ES256";
      const key = kid === "rsa" ? rsa.privateKey : ec.privateKey;
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "5m")
        .sign(key);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An HS256 token for the shared secret. */
export function signHs256(
  secret: string,
  claims: Record<string, unknown>,
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "5m");
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
