import { describe, expect, it } from "vitest";
import { createRuleMatcher, routeRules } from "../../../src/auth/route-rules.ts";

const match = createRuleMatcher(routeRules({ upstashPrefix: "/kafka/upstash" }));

describe("the route table", () => {
  it("takes the topic from the path, decoded, and treats HEAD as GET", () => {
    expect(match("POST", "/topics/clicks")).toEqual({
      rule: { requires: { kind: "topic", action: "produce", param: "topic" }, params: { topic: "clicks" } },
      known: true,
    });
    expect(match("HEAD", "/topics/a%2Eb/partitions/0/offsets").rule).toMatchObject({
      requires: { kind: "topic", action: "describe" },
      params: { topic: "a.b", partition: "0" },
    });
  });

  it("prefers the v1 topic read over the generic instance rule", () => {
    expect(match("GET", "/consumers/g/instances/i/topics/t").rule?.requires).toEqual({
      kind: "topic",
      action: "consume",
      param: "topic",
    });
    expect(match("DELETE", "/consumers/g/instances/i").rule?.requires).toEqual({ kind: "principal" });
    expect(match("GET", "/consumers/g/instances/i/records").rule?.requires).toEqual({ kind: "principal" });
  });

  it("tells a known path with another method from a path no rule covers", () => {
    expect(match("DELETE", "/brokers")).toEqual({ rule: undefined, known: true });
    expect(match("GET", "/brokers/1")).toEqual({ rule: undefined, known: false });
    expect(match("GET", "/topics/")).toEqual({ rule: undefined, known: false });
  });

  it("covers the Upstash dialect at its configured prefix, with its own envelope", () => {
    expect(match("POST", "/kafka/upstash/produce").rule).toMatchObject({
      requires: { kind: "principal" },
      envelope: "upstash",
    });
    expect(match("POST", "/upstash/produce").known).toBe(false);
  });
});
