import type { TargetFactory } from "../target.ts";
import { lambdaTarget } from "./lambda.ts";
import { nodeTarget } from "./node.ts";
import { workerTarget } from "./worker.ts";

/**
 * Every entry the conformance suite runs against. To add one, write `targets/<name>.ts` exporting
 * a TargetFactory (start the entry with its default in-memory settings, translate one request and
 * its response, stop it) and list it here; if it needs something built first, add that build to
 * the conformance project's globalSetup in vitest.config.ts.
 */
export const TARGETS: TargetFactory[] = [
  nodeTarget,
  lambdaTarget("http-api"),
  lambdaTarget("function-url"),
  workerTarget,
];
