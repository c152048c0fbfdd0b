import { describe, expect, it } from "vitest";
import { ProxyError } from "../../../src/errors.ts";
import {
  negotiate,
  parseKafkaMediaType,
  produceFormat,
  readFormat,
} from "../../../src/middleware/negotiate.ts";

const OFFERED = ["application/vnd.kafka.v2+json", "application/json"];

describe("negotiate (Accept)", () => {
  it("gives the first offered type to a client without Accept or with */*", () => {
    expect(negotiate(undefined, OFFERED)).toBe("application/vnd.kafka.v2+json");
    expect(negotiate("*/*", OFFERED)).toBe("application/vnd.kafka.v2+json");
  });

  it("honours q-values and the most specific matching range", () => {
    expect(negotiate("application/vnd.kafka.v2+json;q=0.5, application/json", OFFERED)).toBe(
      "application/json",
    );
    expect(negotiate("application/*;q=0.2, application/json;q=0", OFFERED)).toBe(
      "application/vnd.kafka.v2+json",
    );
    expect(negotiate("text/html, */*;q=0.1", OFFERED)).toBe("application/vnd.kafka.v2+json");
  });

  it("finds nothing for an Accept the resource cannot produce", () => {
    expect(negotiate("text/plain", OFFERED)).toBeUndefined();
    expect(negotiate("application/json;q=0", ["application/json"])).toBeUndefined();
  });
});

describe("produceFormat (Content-Type)", () => {
  it.each([
    ["application/vnd.kafka.binary.v2+json", "binary"],
    ["application/vnd.kafka.json.v2+json", "json"],
    ["application/vnd.kafka.json.v2+json; charset=utf-8", "json"],
    ["APPLICATION/VND.KAFKA.BINARY.V2+JSON", "binary"],
    ["application/vnd.kafka.binary.v1+json", "binary"],
    ["application/vnd.kafka.json.v1+json", "json"],
    ["application/vnd.kafka.v1+json", "binary"],
    ["application/vnd.kafka+json", "binary"],
  ])("reads %s as %s", (type, format) => {
    expect(produceFormat(type)).toBe(format);
  });

  it.each(["avro", "protobuf", "jsonschema"])("refuses %s with 415 naming the schema registry", (format) => {
    const call = () => produceFormat(`application/vnd.kafka.${format}.v2+json`);
    expect(call).toThrow(ProxyError);
    expect(call).toThrow(/needs a schema registry/);
    try {
      call();
    } catch (error) {
      expect((error as ProxyError).status).toBe(415);
    }
  });

  it.each([
    undefined,
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/vnd.kafka.v2+json",
  ])("refuses %s with 415", (type) => {
    expect(() => produceFormat(type)).toThrow(/415 Unsupported Media Type/);
  });
});

describe("media type helpers", () => {
  it("parses the Kafka media type pattern", () => {
    expect(parseKafkaMediaType("application/vnd.kafka.avro.v2+json")).toEqual({
      format: "avro",
      version: "v2",
    });
    expect(parseKafkaMediaType("application/vnd.kafka+json")).toEqual({
      format: undefined,
      version: undefined,
    });
    expect(parseKafkaMediaType("application/json")).toBeUndefined();
  });

  it("reads records as JSON only for json types", () => {
    expect(readFormat("application/vnd.kafka.json.v1+json")).toBe("json");
    expect(readFormat("application/vnd.kafka.v2+json")).toBe("binary");
    expect(readFormat("application/json")).toBe("binary");
  });
});
