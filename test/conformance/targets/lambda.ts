import { inject } from "vitest";
import { type HttpResult, startLambdaContainer } from "../../lambda/container.ts";
import { eventOrigin, type HttpEventSource, httpEvent } from "../../lambda/events.ts";
import type { TargetFactory } from "../target.ts";

/**
 * The packaged Lambda handler (dist/lambda.mjs from the deployment zip) in a container process,
 * each request turned into the payload 2.0 event `source` would deliver.
 */
export function lambdaTarget(source: HttpEventSource): TargetFactory {
  return {
    name: `lambda (${source})`,
    async start() {
      const lambda = await startLambdaContainer(inject("lambdaHandlerModule"), { LOG_LEVEL: "warn" });
      return {
        origin: eventOrigin(source),
        async request(method, path, init = {}) {
          const event = httpEvent(source, { method, path, headers: init.headers, body: init.body });
          const result = await lambda.invoke<HttpResult>("http", event);
          return {
            status: result.statusCode,
            headers: result.headers,
            bodyText: result.isBase64Encoded ? Buffer.from(result.body, "base64").toString() : result.body,
          };
        },
        stop: () => lambda.stop(),
      };
    },
  };
}
