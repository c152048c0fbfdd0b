/**
 * What the webhook use case needs to know about one configured webhook. The configuration builds
 * these; core keeps its own description so it depends on no other layer.
 */

/** One step of a JSON path: an object member or an array index. */
export type JsonPathStep = string | number;

/** A value taken from the request: a header, or a member of the JSON body. */
export type ValueSource = { header: string } | { jsonPath: JsonPathStep[]; expression: string };

export type SignatureScheme = "github" | "stripe" | "hmac-sha256";

export interface SignatureCheck {
  scheme: SignatureScheme;
  /** The request header that carries the signature. */
  header: string;
  secret: string;
  /** Stripe only: how far the signed timestamp may be from now. */
  toleranceSeconds: number;
}

export interface Webhook {
  name: string;
  topic: string;
  signature: SignatureCheck | undefined;
  key: ValueSource | undefined;
  keepHeaders: string[];
  replay: (ValueSource & { windowSeconds: number }) | undefined;
}
