import { describe, expect, it } from "vitest";
import { decodeBase64Native, decodeBase64Portable, encodeBase64 } from "../../../src/utils/base64.ts";

const decoders = [
  ["portable", decodeBase64Portable],
  ["native", (text: string) => decodeBase64Native(text, Buffer)],
] as const;

describe.each(decoders)("base64 (%s decoder)", (_name, decodeBase64) => {
  it("round-trips every length and byte value like Node's Buffer", () => {
    for (let length = 0; length < 70; length++) {
      const data = new Uint8Array(length).map((_, i) => (i * 37 + length * 11) & 0xff);
      const text = encodeBase64(data);
      expect(text).toBe(Buffer.from(data).toString("base64"));
      expect(decodeBase64(text)).toEqual(data);
    }
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
