import { describe, expect, it } from "vitest";
import { ErrorCode, kafkaError, ProxyError, statusOf } from "../../src/errors.ts";

describe("error codes", () => {
  it.each([
    [ErrorCode.TOPIC_NOT_FOUND, 404],
    [ErrorCode.PARTITION_NOT_FOUND, 404],
    [ErrorCode.CONSUMER_INSTANCE_NOT_FOUND, 404],
    [ErrorCode.CONSUMER_FORMAT_MISMATCH, 406],
    [ErrorCode.CONSUMER_ALREADY_EXISTS, 409],
    [ErrorCode.KAFKA_AUTHENTICATION, 401],
    [ErrorCode.KAFKA_AUTHORIZATION, 403],
    [ErrorCode.INVALID_CONSUMER_CONFIG, 422],
    [ErrorCode.KAFKA_ERROR, 500],
    [ErrorCode.KAFKA_RETRIABLE_ERROR, 500],
    [ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415],
    [ErrorCode.PAYLOAD_TOO_LARGE, 413],
  ])("maps %i to HTTP %i", (code, status) => {
    expect(statusOf(code)).toBe(status);
  });

  it("keeps Confluent's exceptions to the status×100 rule", () => {
    expect(statusOf(ErrorCode.INVALID_CONSUMER_CONFIG_CONSTRAINT)).toBe(422);
    expect(statusOf(ErrorCode.BROKER_NOT_AVAILABLE)).toBe(503);
  });

  it("classifies Kafka failures by retriability", () => {
    expect(kafkaError("leader moved", true).code).toBe(50003);
    expect(kafkaError("corrupt", false).code).toBe(50002);
    expect(new ProxyError(ErrorCode.KAFKA_ERROR, "x").retriable).toBe(true);
    expect(new ProxyError(ErrorCode.TOPIC_NOT_FOUND, "x").retriable).toBe(false);
  });
});
