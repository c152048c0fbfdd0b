import { each, type Operation } from "./operations.ts";
import * as r from "./responses.ts";

const json = "application/json";

/** The proxy's own endpoints: health, webhook ingest and this documentation. */
export const PROXY_OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/healthz",
    tag: "Health",
    summary: "The process answers",
    public: true,
    responses: { 200: { description: "Up.", content: { [json]: r.healthResponse } } },
  },
  {
    method: "get",
    path: "/readyz",
    tag: "Health",
    summary: "The Kafka backend answers too",
    public: true,
    responses: {
      200: { description: "Ready.", content: { [json]: r.readyResponse } },
      503: { description: "The backend is unreachable (50302).", content: { [json]: r.errorResponse } },
    },
  },
  {
    method: "post",
    path: "/webhooks/{name}",
    tag: "Webhooks",
    summary: "Ingest one webhook delivery",
    description:
      "The body becomes one record value byte for byte, on the webhook's configured topic. Authenticated by the sender's signature (GitHub X-Hub-Signature-256, Stripe-Signature, or an HMAC-SHA256 header), not by API key. A delivery id seen within the replay window is answered 200 with duplicate: true and produces nothing.",
    public: true,
    headers: [
      { name: "X-Hub-Signature-256", description: "github scheme: sha256=<hex HMAC-SHA256 of the body>." },
      {
        name: "Stripe-Signature",
        description: "stripe scheme: t=<unix time>,v1=<hex HMAC-SHA256 of t.body>.",
      },
    ],
    body: { required: false, description: "Any bytes, kept as they are.", content: { "*/*": "bytes" } },
    responses: {
      200: {
        description: "Produced, or a duplicate of a delivery produced earlier.",
        content: { [json]: r.webhookResponse },
      },
      401: {
        description: "Missing, malformed, stale or wrong signature: nothing produced.",
        content: { [json]: r.errorResponse },
      },
      404: { description: "No webhook of that name is configured.", content: { [json]: r.errorResponse } },
      409: {
        description: "The same delivery id is being produced by another request right now (40903); retry.",
        content: { [json]: r.errorResponse },
      },
    },
  },
  {
    method: "get",
    path: "/openapi.json",
    tag: "Documentation",
    summary: "This OpenAPI 3.1 document",
    public: true,
    responses: { 200: { description: "The document.", content: each([json], r.openApiResponse) } },
  },
  {
    method: "get",
    path: "/docs",
    tag: "Documentation",
    summary: "Interactive documentation",
    public: true,
    responses: {
      200: { description: "An HTML page that renders this document.", content: { "text/html": "html" } },
    },
  },
];
