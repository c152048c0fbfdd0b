import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { redisUrl } from "../helpers/redis.ts";
import { type HttpResult, type LambdaContainer, startLambdaContainer } from "./container.ts";
import { type HttpRequestSpec, httpEvent } from "./events.ts";

const V2 = "application/vnd.kafka.v2+json";
const V2_BINARY = "application/vnd.kafka.binary.v2+json";

/**
 * The production setup: the packaged handler on kafkajs and the Redis state store (both CommonJS
 * packages inside the ESM bundle). Two containers stand for two concurrent Lambda execution
 * environments: a consumer created through one is read and committed through the other.
 */
describe("the packaged handler on a real Kafka broker and Redis", () => {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const topic = `lambda-${run}`;
  const instance = `/consumers/lambda-group-${run}/instances/c1`;
  let a: LambdaContainer;
  let b: LambdaContainer;

  const call = async (lambda: LambdaContainer, request: HttpRequestSpec) => {
    const result = await lambda.invoke<HttpResult>("http", httpEvent("function-url", request));
    return { status: result.statusCode, body: result.body === "" ? undefined : JSON.parse(result.body) };
  };
  const v2 = (method: string, path: string, body?: unknown) => ({
    method,
    path,
    headers: { "content-type": V2, accept: V2 },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  beforeAll(async () => {
    const settings = {
      KAFKA_BACKEND: "kafka",
      KAFKA_BROKERS: inject("kafkaBrokers"),
      STATE_STORE: redisUrl(),
      STATE_KEY_PREFIX: `kep-lambda-${run}:`,
      LOG_LEVEL: "warn",
    };
    [a, b] = await Promise.all([
      startLambdaContainer(inject("lambdaHandlerModule"), settings),
      startLambdaContainer(inject("lambdaHandlerModule"), settings),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("produces through one container and consumes through another", async () => {
    const produced = await call(a, {
      method: "POST",
      path: `/topics/${topic}`,
      headers: { "content-type": V2_BINARY, accept: V2 },
      body: JSON.stringify({ records: [{ value: Buffer.from("from lambda").toString("base64") }] }),
    });
    expect(produced).toMatchObject({ status: 200, body: { offsets: [{ offset: 0, error_code: null }] } });

    const group = `/consumers/lambda-group-${run}`;
    const created = await call(a, v2("POST", group, { name: "c1", "auto.offset.reset": "earliest" }));
    expect(created.status).toBe(200);
    expect((await call(b, v2("POST", `${instance}/subscription`, { topics: [topic] }))).status).toBe(204);

    let values: string[] = [];
    for (let attempt = 0; attempt < 10 && values.length === 0; attempt++) {
      const read = await call(b, {
        method: "GET",
        path: `${instance}/records?timeout=2000`,
        headers: { accept: V2_BINARY },
      });
      expect(read.status).toBe(200);
      values = read.body.map((r: { value: string }) => Buffer.from(r.value, "base64").toString());
    }
    expect(values).toEqual(["from lambda"]);

    expect((await call(a, v2("POST", `${instance}/offsets`))).status).toBe(200);
    const committed = await call(
      b,
      v2("GET", `${instance}/offsets`, { partitions: [{ topic, partition: 0 }] }),
    );
    expect(committed.body).toEqual({ offsets: [{ topic, partition: 0, offset: 1, metadata: "" }] });
    expect((await call(b, v2("DELETE", instance))).status).toBe(204);
  });
});
