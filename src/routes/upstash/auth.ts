import type { MiddlewareHandler } from "hono";
import type { UpstashConfig } from "../../config/index.ts";
import { ErrorCode, ProxyError } from "../../errors.ts";
import { upstashRefusal } from "../../middleware/upstash-envelope.ts";
import type { AppEnv } from "../../types.ts";
import { decodeBase64 } from "../../utils/base64.ts";

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Compares digests, so neither the content nor the length of the secret leaks through timing. */
async function sameSecret(given: Uint8Array, expected: Uint8Array): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** @upstash/kafka encodes credentials as Latin-1 (its own base64 of UTF-16 code units); curl as UTF-8. */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
}

function credentialsOf(
  authorization: string | undefined,
  query: (name: string) => string | undefined,
  allowQuery: boolean,
): Uint8Array | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  if (match) return decodeBase64(match[1]);
  const user = query("user");
  const pass = query("pass");
  if (allowQuery && user !== undefined && pass !== undefined)
    return new TextEncoder().encode(`${user}:${pass}`);
  return undefined;
}

/**
 * HTTP Basic auth for the dialect when UPSTASH_USERNAME/UPSTASH_PASSWORD are set; /webhook also
 * takes ?user=&pass=, as Upstash's did. 401 in the Upstash envelope; credentials are never logged.
 */
export function upstashAuth(auth: UpstashConfig["auth"]): MiddlewareHandler<AppEnv> {
  return async function upstashAuth(c, next) {
    if (!auth) return next();
    const expected = `${auth.username}:${auth.password}`;
    const given = credentialsOf(
      c.req.header("authorization"),
      (n) => c.req.query(n),
      c.req.path.endsWith("/webhook"),
    );
    const accepted =
      given !== undefined &&
      ((await sameSecret(given, new TextEncoder().encode(expected))) ||
        (await sameSecret(given, latin1(expected))));
    if (accepted) return next();
    c.header("WWW-Authenticate", 'Basic realm="kafka-edge-proxy", charset="UTF-8"');
    return upstashRefusal(
      c,
      new ProxyError(ErrorCode.UNAUTHORIZED, "Unauthorized: wrong or missing username and password."),
    );
  };
}
