import { type ChildProcess, fork } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { HostMessage, InvokeMessage } from "./host.ts";

const HOST = fileURLToPath(new URL("./host.ts", import.meta.url));

/** What an HTTP handler returns to Lambda (API Gateway v2 and Function URL response shape). */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
  cookies?: string[];
}

/** One Lambda execution environment: a fresh process that loaded the handler module once. */
export interface LambdaContainer {
  /** Module load time, top-level await included (Lambda's "Init Duration"). */
  initMs: number;
  process: ChildProcess;
  /** Everything the handler wrote to stdout (its JSON logs), line by line. */
  logs: string[];
  invoke<T = HttpResult>(handler: string, event: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The environment Lambda gives a function, plus the function's own settings; nothing leaks in from
 * the test process (a KAFKA_BROKERS or REDIS_URL there would change what the handler builds).
 */
function lambdaEnv(module: string, settings: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TZ: "UTC",
    LANG: "en_US.UTF-8",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_FUNCTION_NAME: "kafka-edge-proxy-dev-api",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    LAMBDA_TASK_ROOT: dirname(dirname(module)),
    ...settings,
  };
}

/**
 * Starts a container for the handler module at `module` (the packaged dist/lambda.mjs) with the
 * function's environment `settings`, and resolves once its cold start is done. Rejects with the
 * initialisation error when the module fails to load, as Lambda reports it.
 */
export function startLambdaContainer(
  module: string,
  settings: Record<string, string> = {},
): Promise<LambdaContainer> {
  const child = fork(HOST, [module], {
    env: lambdaEnv(module, settings),
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const logs: string[] = [];
  let stderr = "";
  let partial = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    logs.push(...lines);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  return new Promise((resolve, reject) => {
    child.on("message", (message: HostMessage) => {
      if (message.type === "ready") {
        resolve({
          initMs: message.initMs,
          process: child,
          logs,
          invoke<T>(handler: string, event: unknown) {
            const id = nextId++;
            return new Promise<T>((done, fail) => {
              pending.set(id, { resolve: done as (value: unknown) => void, reject: fail });
              child.send({ id, handler, event } satisfies InvokeMessage);
            });
          },
          async stop() {
            if (child.connected) child.disconnect();
            await exited;
          },
        });
      } else if (message.type === "init-error") {
        reject(new Error(`${message.message}\n${stderr}`));
      } else {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === "result") waiter?.resolve(message.result);
        else waiter?.reject(new Error(message.message));
      }
    });
    exited.then(() => {
      const error = new Error(`Lambda host exited: ${stderr}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
    });
  });
}
