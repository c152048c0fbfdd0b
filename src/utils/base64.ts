const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

interface NativeBuffer {
  from(text: string, encoding: "base64"): Uint8Array;
  from(data: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: "base64"): string };
}

// Node's (and Workers' nodejs_compat) decoder is native and about four times faster; src/ may not
// import node:buffer, so it is found on the global object where the runtime has one.
const nativeBuffer = (globalThis as { Buffer?: NativeBuffer }).Buffer;

/** Standard base64 (RFC 4648 §4) with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return nativeBuffer ? encodeBase64Native(bytes, nativeBuffer) : encodeBase64Portable(bytes);
}

export function encodeBase64Native(bytes: Uint8Array, buffer: NativeBuffer): string {
  return buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
}

/** btoa (every target runtime has it) over a binary string built in chunks. */
export function encodeBase64Portable(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

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
