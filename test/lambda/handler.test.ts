import { describe, expect, inject, it } from "vitest";
import { type HttpResult, type LambdaContainer, startLambdaContainer } from "./container.ts";
import { httpEvent, recordedEvent } from "./events.ts";

const V2 = "application/vnd.kafka.v2+json";
const json = (result: HttpResult) => JSON.parse(result.body);

describe("the packaged handler's limits", () => {
  it("refuses a GET body over MAX_REQUEST_BYTES with 413 in the envelope", async () => {
    const lambda = await startLambdaContainer(inject("lambdaHandlerModule"), { MAX_REQUEST_BYTES: "1024" });
    try {
      const event = httpEvent("function-url", {
        method: "GET",
        path: "/consumers/g/instances/c/offsets",
        headers: { "content-type": V2, accept: V2 },
        body: JSON.stringify({ partitions: [{ topic: "t".repeat(2000), partition: 0 }] }),
      });
      const result = await lambda.invoke("http", event);
      expect(result.statusCode).toBe(413);
      expect(json(result).error_code).toBe(413);
    } finally {
      await lambda.stop();
    }
  });
});

describe("the packaged handler given a non-HTTP event", () => {
  it("fails the invocation instead of answering it, so Lambda does not count the batch as handled", async () => {
    const lambda = await startLambdaContainer(inject("lambdaHandlerModule"));
    try {
      await expect(lambda.invoke("http", recordedEvent("kafka", "self-managed"))).rejects.toThrow(
        /not an HTTP request \(source: SelfManagedKafka\)/,
      );
    } finally {
      await lambda.stop();
    }
  });
});

describe("the packaged handler's cold start", () => {
  it.each([
    [{ KAFKA_BACKEND: "kafka" }, /KAFKA_BROKERS is required when KAFKA_BACKEND=kafka/],
    [{ STATE_STORE: "kv" }, /STATE_STORE=kv exists only on Cloudflare Workers/],
  ])("fails naming the setting when the configuration is bad: %o", async (settings, message) => {
    await expect(startLambdaContainer(inject("lambdaHandlerModule"), settings)).rejects.toThrow(message);
  });

  it("keeps the adapters between invocations of one container, and not across containers", async () => {
    const first = await startLambdaContainer(inject("lambdaHandlerModule"));
    const second = await startLambdaContainer(inject("lambdaHandlerModule"));
    try {
      const event = recordedEvent("http-api", "produce-binary");
      const offsets = async (lambda: LambdaContainer) => json(await lambda.invoke("http", event)).offsets[0];
      expect((await offsets(first)).offset).toBe(0);
      expect((await offsets(first)).offset).toBe(1);
      expect((await offsets(second)).offset).toBe(0);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
