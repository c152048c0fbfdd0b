import type { JsonPathStep, ValueSource } from "./types.ts";

const decoder = new TextDecoder();

/** Follows a parsed JSON path; undefined when a step is missing. */
function walk(document: unknown, path: JsonPathStep[]): unknown {
  let current = document;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (typeof step === "number" ? !Array.isArray(current) : Array.isArray(current)) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** A JSON value as text: strings as they are, anything else as JSON; null and missing as undefined. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Reads header and JSON-path values of one delivery. The body is parsed at most once, and only
 * when a JSON path is asked for; a body that is not JSON has no values at any path.
 */
export function deliveryValues(header: (name: string) => string | undefined, body: Uint8Array) {
  let document: { value: unknown } | undefined;
  function parsed(): unknown {
    if (!document) {
      try {
        document = { value: JSON.parse(decoder.decode(body)) };
      } catch {
        document = { value: undefined };
      }
    }
    return document.value;
  }
  return {
    /** The source's value as text; undefined when the header or member is absent. */
    read(source: ValueSource): string | undefined {
      if ("header" in source) return header(source.header);
      return asText(walk(parsed(), source.jsonPath));
    },
  };
}
