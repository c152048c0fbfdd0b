/**
 * The real @upstash/kafka client against the Node entry with AUTH_ENABLED: its username is the
 * principal and its password that principal's API key, and refusals reach it as UpstashErrors.
 */
import { Kafka, UpstashError } from "@upstash/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startNodeServer } from "../../helpers/node-server.ts";

const KEYS = { web: "web-key-0123456789abcdef", other: "other-key-0123456789abcdef" };

async function rejection(promise: Promise<unknown>): Promise<UpstashError> {
  const error = await promise.then(
    () => expect.unreachable("the call succeeded"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstashError);
  return error as UpstashError;
}

describe("@upstash/kafka with authentication on", () => {
  let server: RunningServer;
  const client = (username: string, password: string) =>
    new Kafka({ url: `${server.url}/upstash`, username, password });

  beforeAll(async () => {
    server = await startNodeServer({
      AUTH_ENABLED: "true",
      AUTH_API_KEYS: JSON.stringify(KEYS),
      AUTH_PERMISSIONS: JSON.stringify({ "*": ["produce:clicks", "consume:clicks"] }),
    });
  });
  afterAll(() => server?.stop());

  it("produces and consumes as the principal its username names", async () => {
    const web = client("web", KEYS.web);
    const produced = await web.producer().produce("clicks", "hello");
    expect(produced).toMatchObject({ topic: "clicks", partition: 0, offset: 0 });
    const messages = await web.consumer().consume({
      consumerGroupId: "g",
      instanceId: "tab",
      topics: ["clicks"],
      autoOffsetReset: "earliest",
      timeout: 2000,
    });
    expect(messages.map((m) => m.value)).toEqual(["hello"]);
  });

  // The client retries every failure five times over 15.5 s before it rejects: the three run at once.
  it("is refused with a readable error for a wrong key, a forbidden topic or another's instance", async () => {
    const [wrong, forbidden, stolen] = await Promise.all([
      rejection(client("web", KEYS.other).admin().topics()),
      rejection(client("web", KEYS.web).producer().produce("payments", "x")),
      rejection(client("other", KEYS.other).admin().removeConsumerInstance("g", "tab")),
    ]);
    expect(wrong.message).toBe("Authentication failed: the API key is not valid.");
    expect(forbidden.message).toBe("Not authorized: principal 'web' may not produce to topic 'payments'.");
    expect(stolen.message).toBe("Consumer instance not found.");
  }, 40_000);
});
