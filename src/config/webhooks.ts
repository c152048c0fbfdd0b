import { z } from "zod";
import { section } from "./section.ts";

const SCHEMES = ["github", "stripe", "hmac-sha256"] as const;
export type SignatureScheme = (typeof SCHEMES)[number];

/** Where each scheme puts its signature unless the webhook names another header. */
const DEFAULT_SIGNATURE_HEADERS: Record<SignatureScheme, string> = {
  github: "X-Hub-Signature-256",
  stripe: "Stripe-Signature",
  "hmac-sha256": "X-Signature",
};

/** Stripe's own libraries reject events signed more than five minutes ago. */
const DEFAULT_TOLERANCE_SECONDS = 300;

/** One step of a JSON path: an object member or an array index. */
export type JsonPathStep = string | number;

/** A value taken from the request: a header, or a member of the JSON body. */
export type ValueSource = { header: string } | { jsonPath: JsonPathStep[]; expression: string };

export interface WebhookConfig {
  name: string;
  topic: string;
  /** Present exactly when signatures are checked; `secret` is non-enumerable. */
  signature:
    | { scheme: SignatureScheme; header: string; secret: string; toleranceSeconds: number }
    | undefined;
  /** Where the record key comes from; undefined: records have no key. */
  key: ValueSource | undefined;
  /** Request headers copied into Kafka record headers, in this order and spelling. */
  keepHeaders: string[];
  /** Where the delivery id comes from and how long it is remembered; undefined: no replay check. */
  replay: (ValueSource & { windowSeconds: number }) | undefined;
}

const JSON_PATH_STEP = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;

/** Parses `$.a.b[0]['c d']`; undefined when the expression is not in that grammar. */
export function parseJsonPath(expression: string): JsonPathStep[] | undefined {
  if (!expression.startsWith("$")) return undefined;
  const steps: JsonPathStep[] = [];
  JSON_PATH_STEP.lastIndex = 1;
  while (JSON_PATH_STEP.lastIndex < expression.length) {
    const match = JSON_PATH_STEP.exec(expression);
    if (!match) return undefined;
    steps.push(match[2] === undefined ? (match[1] ?? match[3] ?? match[4]) : Number(match[2]));
  }
  return steps;
}

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name");

const sourceShape = { header: headerName.optional(), jsonPath: z.string().optional() };

function checkSource(s: { header?: string; jsonPath?: string }, ctx: z.RefinementCtx): void {
  if ((s.header === undefined) === (s.jsonPath === undefined)) {
    ctx.addIssue({ code: "custom", message: "give exactly one of header or jsonPath" });
  } else if (s.jsonPath !== undefined && !parseJsonPath(s.jsonPath)) {
    ctx.addIssue({
      code: "custom",
      path: ["jsonPath"],
      message: "must look like $.member.other[0] or $['member name']",
    });
  }
}

const webhook = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be 1-100 letters, digits, '.', '_' or '-'"),
    topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, "must be a legal Kafka topic name"),
    secret: z.string().min(1, "must not be empty").optional(),
    signature: z
      .strictObject({
        scheme: z.enum(SCHEMES, { message: `must be one of: ${SCHEMES.join(", ")}` }),
        header: headerName.optional(),
        toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
      })
      .optional(),
    key: z.strictObject(sourceShape).superRefine(checkSource).optional(),
    keepHeaders: z.array(headerName).default([]),
    replay: z
      .strictObject({
        ...sourceShape,
        windowSeconds: z
          .number()
          .int()
          .min(1)
          .max(30 * 86_400),
      })
      .superRefine(checkSource)
      .optional(),
  })
  .superRefine((w, ctx) => {
    if (w.signature && w.secret === undefined) {
      ctx.addIssue({ code: "custom", path: ["secret"], message: "is required when signature is set" });
    }
    if (w.secret !== undefined && !w.signature) {
      ctx.addIssue({ code: "custom", path: ["signature"], message: "is required when secret is set" });
    }
  });

type WebhookInput = z.output<typeof webhook>;

function toSource(s: { header?: string; jsonPath?: string }): ValueSource {
  if (s.header !== undefined) return { header: s.header };
  const expression = s.jsonPath ?? "$";
  return { jsonPath: parseJsonPath(expression) ?? [], expression };
}

type SignatureConfig = NonNullable<WebhookConfig["signature"]>;

function toSignature(w: WebhookInput): SignatureConfig | undefined {
  if (!w.signature || w.secret === undefined) return undefined;
  const signature = {
    scheme: w.signature.scheme,
    header: w.signature.header ?? DEFAULT_SIGNATURE_HEADERS[w.signature.scheme],
    toleranceSeconds: w.signature.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  };
  // Non-enumerable, like the SASL password: a logged or serialised config never shows it.
  return Object.defineProperty(signature, "secret", {
    value: w.secret,
    enumerable: false,
  }) as SignatureConfig;
}

function toWebhookConfig(w: WebhookInput): WebhookConfig {
  const { replay } = w;
  return {
    name: w.name,
    topic: w.topic,
    signature: toSignature(w),
    key: w.key && toSource(w.key),
    keepHeaders: w.keepHeaders,
    replay: replay && { ...toSource(replay), windowSeconds: replay.windowSeconds },
  };
}

/**
 * WEBHOOKS is a JSON array. Problems are reported with their position inside it, never with the
 * value, because the array carries the secrets.
 */
const webhookList = z.string().transform((text, ctx): WebhookConfig[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    ctx.addIssue({
      code: "custom",
      message: "WEBHOOKS must be a JSON array of webhooks, and is not valid JSON",
    });
    return z.NEVER;
  }
  const result = z.array(webhook, { message: "must be a JSON array of webhooks" }).safeParse(parsed);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      ctx.addIssue({ code: "custom", message: `WEBHOOKS${where}: ${issue.message}` });
    }
    return z.NEVER;
  }
  const names = result.data.map((w) => w.name);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) {
    ctx.addIssue({ code: "custom", message: `WEBHOOKS names must be unique: ${repeated.join(", ")}` });
    return z.NEVER;
  }
  return result.data.map(toWebhookConfig);
});

/** Webhook ingest endpoints, POST /webhooks/{name}. */
export const webhooksSection = section({
  settings: {
    WEBHOOKS: webhookList.optional(),
  },
  secrets: ["WEBHOOKS"],
  build: (e) => ({
    /** The configured webhooks; their secrets are non-enumerable, so JSON and logs never show them. */
    webhooks: e.WEBHOOKS ?? [],
  }),
});
