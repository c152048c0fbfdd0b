/**
 * API key lookup. Only SHA-256 digests of the keys are kept, and a presented key is found by its
 * digest, so no comparison runs over the secret itself and a heap dump shows no keys.
 */

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Answers the principal an API key belongs to, or undefined for an unknown key. */
export type ApiKeyVerifier = (key: string) => Promise<string | undefined>;

/**
 * @example
 * const verify = createApiKeyVerifier([{ principal: "ops", key: "0123456789abcdef" }]);
 * await verify("0123456789abcdef"); // "ops"
 */
export function createApiKeyVerifier(keys: Array<{ principal: string; key: string }>): ApiKeyVerifier {
  const byDigest = Promise.all(
    keys.map(async ({ principal, key }) => [await digest(key), principal] as const),
  ).then((entries) => new Map(entries));
  return async (key) => (await byDigest).get(await digest(key));
}
