import { describe, expect, it } from "vitest";
import {
  decodeBase64Native,
  decodeBase64Portable,
  encodeBase64Native,
  encodeBase64Portable,
} from "../../../src/utils/base64.ts";

const codecs = [
  ["portable", decodeBase64Portable, encodeBase64Portable],
  [
    "native",
    (text: string) => decodeBase64Native(text, Buffer),
    (b: Uint8Array) => encodeBase64Native(b, Buffer),
  ],
] as const;

describe.each(codecs)("base64 (%s)", (_name, decodeBase64, encodeBase64) => {
  it("round-trips every length and byte value like Node's Buffer", () => {
    for (let length = 0; length < 70; length++) {
      const data = new Uint8Array(length).map((_, i) => (i * 37 + length * 11) & 0xff);
      const text = encodeBase64(data);
      expect(text).toBe(Buffer.from(data).toString("base64"));
      expect(decodeBase64(text)).toEqual(data);
    }
  });

  it("encodes a value larger than one chunk of the portable encoder", () => {
    const data = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    expect(encodeBase64(data)).toBe(Buffer.from(data).toString("base64"));
  });

  it("encodes a view into a larger buffer by its own bytes only", () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
    expect(encodeBase64(whole.subarray(2, 5))).toBe(Buffer.from([3, 4, 5]).toString("base64"));
  });

  it("accepts missing padding, as Java's decoder does", () => {
    expect(decodeBase64("a2V5")).toEqual(new TextEncoder().encode("key"));
    expect(decodeBase64("YQ")).toEqual(new TextEncoder().encode("a"));
    expect(decodeBase64("YWI")).toEqual(new TextEncoder().encode("ab"));
  });

  it.each([
    ["a character outside the alphabet", "a2V5!"],
    ["the URL-safe alphabet", "-_-_"],
    ["whitespace", "a2V5 a2V5"],
    ["a lone trailing character", "a2V5a"],
    ["wrong padding", "YQ="],
    ["padding in the middle", "YQ==YQ=="],
    ["non-ASCII", "a2V5é"],
    ["an invalid character where it would round away", "YWJjZA!="],
    ["padding after a full group", "YWJj===="],
  ])("rejects %s", (_case, text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});
