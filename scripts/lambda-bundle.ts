/**
 * @module How a Lambda handler module is bundled: one ESM file with every dependency inside, for
 * the Node 22 runtime. Used by `npm run package:lambda` and by the cold-start benchmark's baseline,
 * so both are built the same way.
 */
import { build } from "esbuild";

/**
 * kafkajs and ioredis are CommonJS and require Node built-ins; in an ESM bundle esbuild turns those
 * into calls of a `require` that must exist, so the bundle defines one.
 */
const REQUIRE_SHIM =
  'import { createRequire as __kepCreateRequire } from "node:module";\n' +
  "const require = __kepCreateRequire(import.meta.url);";

/** Bundles `entry` (relative to `root`) into `outfile`. */
export async function bundleLambda(root: string, entry: string, outfile: string): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    banner: { js: REQUIRE_SHIM },
    legalComments: "none",
    logLevel: "warning",
  });
}
