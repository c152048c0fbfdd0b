const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (RFC 4648 §4) with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}${ALPHABET[(n >>> 6) & 63]}=`;
  }
  return out;
}

interface NativeBuffer {
  from(text: string, encoding: "base64"): Uint8Array;
}

// Node's (and Workers' nodejs_compat) decoder is native and about four times faster; src/ may not
// import node:buffer, so it is found on the global object where the runtime has one.
const nativeBuffer = (globalThis as { Buffer?: NativeBuffer }).Buffer;

/**
 * Decodes standard base64 the way Java's `Base64.getDecoder()` does (what Confluent REST Proxy
 * uses): padding optional, no whitespace, no URL-safe alphabet. Returns undefined when invalid.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  return nativeBuffer ? decodeBase64Native(text, nativeBuffer) : decodeBase64Portable(text);
}

function decodedLength(text: string): number | undefined {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (end % 4 === 1 || (end !== text.length && text.length % 4 !== 0)) return undefined;
  return Math.floor((end * 3) / 4);
}

/**
 * Node's decoder skips characters outside the alphabet and accepts the URL-safe one, so it is
 * held to Java's rules from outside: a skipped character shows as a shorter result.
 */
export function decodeBase64Native(text: string, buffer: NativeBuffer): Uint8Array | undefined {
  const length = decodedLength(text);
  if (length === undefined || text.includes("-") || text.includes("_")) return undefined;
  const decoded = buffer.from(text, "base64");
  if (decoded.length !== length) return undefined;
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
}

/** The same rules in plain JavaScript, for runtimes without a native decoder. */
export function decodeBase64Portable(text: string): Uint8Array | undefined {
  const length = decodedLength(text);
  if (length === undefined) return undefined;
  const end = text.length - (text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0);
  const out = new Uint8Array(length);
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : -1;
    if (v < 0) return undefined;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}
