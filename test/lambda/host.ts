/**
 * A stand-in for the Lambda Node.js runtime (the real runtime interface and its emulator cannot run
 * here), run as a child process by container.ts: it loads the handler module once, as Lambda does
 * at cold start, then invokes one of its exports per IPC message, one invocation at a time, with a
 * context object shaped like Lambda's. `node test/lambda/host.ts <handler module>`.
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";

export type HostMessage =
  | { type: "ready"; initMs: number }
  | { type: "init-error"; message: string }
  | { type: "result"; id: number; result: unknown }
  | { type: "error"; id: number; message: string };

export interface InvokeMessage {
  id: number;
  handler: string;
  event: unknown;
}

const TIMEOUT_MS = 28_000;
const send = (message: HostMessage) => new Promise((resolve) => process.send?.(message, resolve));

function lambdaContext() {
  const deadline = Date.now() + TIMEOUT_MS;
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "kafka-edge-proxy-dev-api";
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/21/[$LATEST]0123456789abcdef0123456789abcdef",
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

const started = performance.now();
let handlers: Record<string, (event: unknown, context: unknown) => Promise<unknown>>;
try {
  handlers = await import(pathToFileURL(process.argv[2] ?? "").href);
} catch (error) {
  await send({ type: "init-error", message: (error as Error).message });
  process.exit(1);
}
await send({ type: "ready", initMs: performance.now() - started });

let queue = Promise.resolve();
process.on("message", (message: InvokeMessage) => {
  queue = queue.then(async () => {
    try {
      const handler = handlers[message.handler];
      if (typeof handler !== "function") throw new Error(`no handler export '${message.handler}'`);
      const result = await handler(message.event, lambdaContext());
      await send({ type: "result", id: message.id, result });
    } catch (error) {
      await send({ type: "error", id: message.id, message: (error as Error).message });
    }
  });
});
process.on("disconnect", () => process.exit(0));
