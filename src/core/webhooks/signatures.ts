import { ErrorCode, ProxyError } from "../../errors.ts";
import type { SignatureCheck } from "./types.ts";

const encoder = new TextEncoder();

function rejected(message: string): ProxyError {
  return new ProxyError(ErrorCode.UNAUTHORIZED, `Webhook signature rejected: ${message}`);
}

function fromHex(text: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function fromBase64(text: string): Uint8Array | undefined {
  const standard = text.replaceAll("-", "+").replaceAll("_", "/");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(standard)) return undefined;
  try {
    return Uint8Array.from(atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, "=")), (ch) =>
      ch.charCodeAt(0),
    );
  } catch {
    return undefined;
  }
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
type VerifiedBytes = Parameters<typeof crypto.subtle.verify>[2];

const keys = new WeakMap<SignatureCheck, Promise<HmacKey>>();

/** The HMAC-SHA256 key of a webhook, imported once per check (i.e. once per isolate or process). */
function keyOf(check: SignatureCheck): Promise<HmacKey> {
  let key = keys.get(check);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(check.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    keys.set(check, key);
  }
  return key;
}

/**
 * Whether `signature` is the HMAC-SHA256 of `data`. crypto.subtle.verify computes the MAC and
 * compares it in native code in constant time (BoringSSL/OpenSSL CRYPTO_memcmp on Node and
 * workerd), so no byte-by-byte comparison in JavaScript can leak how much of a guess was right.
 */
async function matches(check: SignatureCheck, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify("HMAC", await keyOf(check), signature as VerifiedBytes, data as VerifiedBytes);
}

async function verifyGithub(check: SignatureCheck, header: string, body: Uint8Array): Promise<void> {
  const signature = header.startsWith("sha256=") ? fromHex(header.slice(7)) : undefined;
  if (!signature) throw rejected(`${check.header} must be sha256=<hex digest>.`);
  if (!(await matches(check, signature, body))) throw rejected("the signature does not match the body.");
}

async function verifyStripe(
  check: SignatureCheck,
  header: string,
  body: Uint8Array,
  nowMs: number,
): Promise<void> {
  const pairs = header.split(",").map((part) => part.trim().split("="));
  const timestamp = pairs.find(([name]) => name === "t")?.[1];
  const candidates = pairs.filter(([name]) => name === "v1").map(([, value]) => fromHex(value ?? ""));
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || candidates.length === 0) {
    throw rejected(`${check.header} must be t=<unix time>,v1=<hex digest>.`);
  }
  const age = Math.abs(nowMs / 1000 - Number(timestamp));
  if (age > check.toleranceSeconds) {
    throw rejected(
      `the signed timestamp is ${Math.round(age)} s away from now, more than the ${check.toleranceSeconds} s tolerated.`,
    );
  }
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  for (const candidate of candidates) {
    if (candidate && (await matches(check, candidate, signed))) return;
  }
  throw rejected("no v1 signature matches the body.");
}

async function verifyHmac(check: SignatureCheck, header: string, body: Uint8Array): Promise<void> {
  const digest = header.replace(/^sha256=/, "");
  const signature = digest.length === 64 ? fromHex(digest) : fromBase64(digest);
  if (!signature) throw rejected(`${check.header} must be the hex or base64 HMAC-SHA256 of the body.`);
  if (!(await matches(check, signature, body))) throw rejected("the signature does not match the body.");
}

/**
 * Checks a delivery's signature over the body bytes exactly as received; throws 401 when it is
 * missing, malformed, stale (Stripe) or wrong.
 */
export async function verifySignature(
  check: SignatureCheck,
  header: string | undefined,
  body: Uint8Array,
  nowMs: number,
): Promise<void> {
  if (header === undefined || header.trim() === "") throw rejected(`the ${check.header} header is missing.`);
  switch (check.scheme) {
    case "github":
      return verifyGithub(check, header.trim(), body);
    case "stripe":
      return verifyStripe(check, header, body, nowMs);
    case "hmac-sha256":
      return verifyHmac(check, header.trim(), body);
  }
}
