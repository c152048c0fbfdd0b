import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import {
  fromErrorCode,
  isRetriable,
  toProxyError,
  toRecordError,
} from "../../../src/backends/kafkajs-errors.ts";
import { ProxyError } from "../../../src/errors.ts";

/** kafkajs's error classes (its typings leave some out or give them no constructor arguments). */
const errors = kafkajs as unknown as Record<string, new (message: unknown, options?: object) => Error>;

describe("Kafka error mapping", () => {
  it.each([
    [3, { topic: "t" }, 40401],
    [3, { topic: "t", partition: 4 }, 40402],
    [29, {}, 40301], // TOPIC_AUTHORIZATION_FAILED
    [30, {}, 40301], // GROUP_AUTHORIZATION_FAILED
    [58, {}, 40101], // SASL_AUTHENTICATION_FAILED
    [10, {}, 413], // MESSAGE_TOO_LARGE
    [18, {}, 413], // RECORD_LIST_TOO_LARGE
    [36, {}, 40002], // TOPIC_ALREADY_EXISTS
    [17, {}, 40002], // INVALID_TOPIC_EXCEPTION
    [37, {}, 40002], // INVALID_PARTITIONS
    [38, {}, 40002], // INVALID_REPLICATION_FACTOR
    [25, { group: "g" }, 40903], // UNKNOWN_MEMBER_ID: the group has live members
    [6, {}, 50003], // NOT_LEADER_FOR_PARTITION: retriable
    [19, {}, 50003], // NOT_ENOUGH_REPLICAS: retriable
    [-1, {}, 50002], // UNKNOWN_SERVER_ERROR: not retriable
    [2, {}, 50003], // CORRUPT_MESSAGE: retriable per Kafka
  ])("maps broker error code %i (%o) to %i", (code, context, expected) => {
    const error = fromErrorCode(code, context);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error.code).toBe(expected);
    expect(error.retriable).toBe(expected === 50003);
  });

  it("names what the request was about and keeps the broker's message", () => {
    const error = fromErrorCode(36, {}, "Topic 'orders' already exists.");
    expect(error.message).toBe("Topic 'orders' already exists.");
    expect(fromErrorCode(6, { topic: "orders", partition: 2 }).message).toMatch(/orders.*partition 2/);
  });

  it("treats connection failures and timeouts as retriable (50003)", () => {
    for (const error of [
      new errors.KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092"),
      new errors.KafkaJSConnectionClosedError("Closed connection"),
      new errors.KafkaJSRequestTimeoutError("Request Metadata(key: 3, version: 6) timed out"),
      new errors.KafkaJSBrokerNotFound("Broker 3 not found"),
    ]) {
      expect(toProxyError(error)).toMatchObject({ code: 50003, retriable: true });
      expect(isRetriable(error)).toBe(true);
    }
  });

  it("maps SASL failures to 40101 without retrying", () => {
    const error = new errors.KafkaJSSASLAuthenticationError("SASL SCRAM SHA256 authentication failed");
    expect(toProxyError(error)).toMatchObject({ code: 40101, retriable: false });
    expect(isRetriable(error)).toBe(false);
  });

  it("looks through exhausted retries at the last cause", () => {
    const cause = new errors.KafkaJSConnectionError("Connection timeout");
    const exhausted = new errors.KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 1000 });
    expect(toProxyError(exhausted)).toMatchObject({ code: 50003, retriable: true });
  });

  it("leaves ProxyErrors alone and reports anything else as a 500", () => {
    const notFound = new ProxyError(40401, "Topic 'x' not found.");
    expect(toProxyError(notFound)).toBe(notFound);
    const bug = toProxyError(new TypeError("x is not a function"));
    expect(bug).toMatchObject({ code: 500, retriable: false });
    expect(bug.cause).toBeInstanceOf(TypeError);
  });

  it("classifies per-record failures for the REST layer", () => {
    const record = (code: number) => toRecordError(fromErrorCode(code, { topic: "t", partition: 0 }));
    expect(record(10)).toMatchObject({ kind: "too-large", retriable: false });
    expect(record(29)).toMatchObject({ kind: "authorization", retriable: false });
    expect(record(6)).toMatchObject({ kind: "kafka", retriable: true });
    expect(toRecordError(new errors.KafkaJSSASLAuthenticationError("bad password"))).toMatchObject({
      kind: "authentication",
    });
  });
});
