import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type HttpResult, type LambdaContainer, startLambdaContainer } from "./container.ts";
import { recordedEvent as recorded } from "./events.ts";

const V2 = "application/vnd.kafka.v2+json";
const V2_BINARY = "application/vnd.kafka.binary.v2+json";
const base64 = (text: string) => Buffer.from(text).toString("base64");

function json(result: HttpResult) {
  expect(result.isBase64Encoded).toBe(false);
  return JSON.parse(result.body);
}

describe("the packaged handler with API Gateway HTTP API (payload 2.0) events", () => {
  let lambda: LambdaContainer;
  const invoke = (name: string) => lambda.invoke("http", recorded("http-api", name));

  beforeAll(async () => {
    lambda = await startLambdaContainer(inject("lambdaHandlerModule"));
  });
  afterAll(async () => {
    await lambda?.stop();
  });

  it("produces binary records and answers in the v2 media type, as text", async () => {
    const result = await invoke("produce-binary");
    expect(result.statusCode).toBe(200);
    expect(result.headers["content-type"]).toBe(V2);
    expect(result.headers["x-request-id"]).toMatch(/.+/);
    expect(json(result)).toEqual({
      offsets: [{ partition: 0, offset: 0, error_code: null, error: null }],
      key_schema_id: null,
      value_schema_id: null,
    });
  });

  it("produces JSON records", async () => {
    const result = await invoke("produce-json");
    expect(result.statusCode).toBe(200);
    expect(json(result).offsets).toEqual([{ partition: 0, offset: 0, error_code: null, error: null }]);
  });

  it("creates a consumer whose base_uri is the API's own origin, subscribes it and reads records", async () => {
    const created = await invoke("create-consumer");
    expect(created.statusCode).toBe(200);
    expect(json(created)).toEqual({
      instance_id: "c1",
      base_uri: "https://r2d2c3po.execute-api.us-east-1.amazonaws.com/consumers/lambda-billing/instances/c1",
    });

    const subscribed = await invoke("subscribe");
    expect(subscribed.statusCode).toBe(204);
    expect(subscribed.body).toBe("");

    const read = await invoke("read-records");
    expect(read.statusCode).toBe(200);
    expect(read.headers["content-type"]).toBe(V2_BINARY);
    const records = json(read);
    expect(records).toHaveLength(2);
    expect(records).toContainEqual(
      expect.objectContaining({
        topic: "lambda-orders",
        key: base64("key"),
        value: base64("hello lambda"),
        partition: 0,
        offset: 0,
      }),
    );
  });

  it("commits, then answers GET .../offsets for the partitions its body names", async () => {
    expect((await invoke("commit-offsets")).statusCode).toBe(200);
    // Both partitions are committed; only the body can narrow the answer to lambda-events.
    const committed = await invoke("committed-offsets-get-body");
    expect(committed.statusCode).toBe(200);
    expect(json(committed)).toEqual({
      offsets: [{ topic: "lambda-events", partition: 0, offset: 1, metadata: "" }],
    });
  });

  it("answers an unknown path with 404 in the Confluent envelope", async () => {
    const result = await invoke("not-found");
    expect(result.statusCode).toBe(404);
    expect(json(result)).toEqual({ error_code: 404, message: expect.any(String) });
  });

  it("answers an Avro produce with 415 in the envelope, writing nothing", async () => {
    const result = await invoke("produce-avro");
    expect(result.statusCode).toBe(415);
    expect(json(result)).toEqual({ error_code: 415, message: expect.stringContaining("schema registry") });
    const read = await invoke("read-records");
    expect(json(read)).toEqual([]);
  });
});

describe("the packaged handler with Function URL events (base64-encoded bodies)", () => {
  let lambda: LambdaContainer;
  const invoke = (name: string) => lambda.invoke("http", recorded("function-url", name));

  beforeAll(async () => {
    lambda = await startLambdaContainer(inject("lambdaHandlerModule"));
  });
  afterAll(async () => {
    await lambda?.stop();
  });

  it("decodes a base64 produce body", async () => {
    const result = await invoke("produce-binary-base64");
    expect(result.statusCode).toBe(200);
    expect(json(result).offsets).toEqual([{ partition: 0, offset: 0, error_code: null, error: null }]);
  });

  it("runs a consumer from base64 bodies, including the body of a GET", async () => {
    const created = await invoke("create-consumer-base64");
    expect(json(created).base_uri).toBe(
      "https://x7k2pq4zmwv3nhe5t6rbuy2ofa0vjmlc.lambda-url.us-east-1.on.aws/consumers/url-billing/instances/u1",
    );
    expect((await invoke("subscribe-base64")).statusCode).toBe(204);
    const read = await invoke("read-records");
    expect(json(read)).toEqual([expect.objectContaining({ value: base64("via function url"), offset: 0 })]);
    expect((await invoke("commit-everything-read")).statusCode).toBe(200);

    // The body names a partition without a commit: an answer from the assignment would list
    // url-orders instead.
    const committed = await invoke("committed-offsets-get-base64-body");
    expect(committed.statusCode).toBe(200);
    expect(json(committed)).toEqual({ offsets: [] });
  });

  it("answers an unknown topic with 40401", async () => {
    const result = await invoke("unknown-topic");
    expect(result.statusCode).toBe(404);
    expect(json(result)).toEqual({ error_code: 40401, message: "Topic 'url-missing' not found." });
  });
});
