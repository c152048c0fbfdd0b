import { DOCS_PAGE } from "../openapi/docs-page.ts";
import { buildOpenApiDocument } from "../openapi/document.ts";
import type { Router } from "./http.ts";

/** The page may only run its own inline code and call this origin: nothing is ever loaded from elsewhere. */
const DOCS_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'";

/** GET /openapi.json (the OpenAPI 3.1 document) and GET /docs (the page that renders it). */
export function registerOpenApiRoutes(router: Router): void {
  let document: string | undefined;
  router.get("/openapi.json", (c) => {
    // Built on first request, not at start-up: Workers and Lambda pay for start-up on every cold start.
    document ??= JSON.stringify(
      buildOpenApiDocument({ upstashPathPrefix: c.var.deps.config.upstash.pathPrefix }),
    );
    return c.body(document, 200, { "Content-Type": "application/json" });
  });
  router.get("/docs", (c) => c.html(DOCS_PAGE, 200, { "Content-Security-Policy": DOCS_POLICY }));
}
