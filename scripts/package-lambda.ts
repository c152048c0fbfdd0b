/**
 * @module `npm run package:lambda`: bundles functions/lambda.ts into dist/lambda.mjs (every
 * dependency inside, nothing to install on Lambda), then runs `osls package`, which zips it into
 * .serverless/kafka-edge-proxy.zip next to the CloudFormation templates. Needs no AWS credentials
 * and no network.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundleLambda } from "./lambda-bundle.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

await bundleLambda(ROOT, "functions/lambda.ts", "dist/lambda.mjs");

execFileSync(process.execPath, [`${ROOT}node_modules/osls/bin/serverless.js`, "package"], {
  cwd: ROOT,
  stdio: "inherit",
  // Packaging reads nothing from AWS; this keeps the SDK from probing the instance metadata service.
  env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true", SLS_TELEMETRY_DISABLED: "1" },
});
