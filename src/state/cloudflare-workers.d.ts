// The Workers runtime module, typed from @cloudflare/workers-types' importable variant so that its
// globals never reach the Node code this project type-checks in the same program.
declare module "cloudflare:workers" {
  import type { CloudflareWorkersModule } from "@cloudflare/workers-types";
  export = CloudflareWorkersModule;
}
