/**
 * Global setup of the lambda and conformance projects: packages the Lambda function when the
 * package is missing or older than its sources (`npm run package:lambda`, offline) and provides the
 * path of the packaged handler module, unpacked from the deployment zip.
 */
import type { TestProject } from "vitest/node";
import { ensureLambdaPackage } from "./package.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** dist/lambda.mjs as unpacked from .serverless/kafka-edge-proxy.zip. */
    lambdaHandlerModule: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide("lambdaHandlerModule", await ensureLambdaPackage());
}
