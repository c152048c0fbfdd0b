import { afterEach, describe, expect, it, vi } from "vitest";
import { createKafkajsBackend } from "../../../src/backends/kafkajs.ts";
import type { LogFields, Logger } from "../../../src/logger.ts";

/** Nothing listens on port 1: connecting is refused at once, without any broker. */
const NOWHERE = ["127.0.0.1:1"];

function capturingLogger() {
  const entries: Array<{ level: string; message: string; fields?: LogFields }> = [];
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      entries.push({ level, message, fields });
    };
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, entries };
}

describe("kafkajs backend without a broker", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("connects lazily: creating and closing it does nothing on the network", async () => {
    const { logger, entries } = capturingLogger();
    const backend = createKafkajsBackend({ brokers: NOWHERE, logger });
    expect(backend.name).toBe("kafka");
    await backend.close();
    expect(entries).toEqual([]);
  });

  it("routes kafkajs's warnings to the logger, never with the SASL password", async () => {
    const { logger, entries } = capturingLogger();
    const backend = createKafkajsBackend({
      brokers: NOWHERE,
      sasl: { mechanism: "scram-sha-256", username: "proxy", password: "hunter2-secret" },
      retries: 0,
      logger,
    });
    await expect(backend.describeCluster()).rejects.toMatchObject({ code: 50003, retriable: true });
    await backend.close();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.level === "warn" && e.message.startsWith("kafkajs: "))).toBe(true);
    expect(JSON.stringify(entries)).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(entries)).not.toContain("hunter2-secret");
  });

  it("writes nothing to the console without a logger", async () => {
    const spies = (["log", "info", "warn", "error"] as const).map((m) => vi.spyOn(console, m));
    const backend = createKafkajsBackend({ brokers: NOWHERE, retries: 0 });
    await expect(backend.listTopics()).rejects.toMatchObject({ code: 50003 });
    await backend.close();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it("refuses an empty broker list", () => {
    expect(() => createKafkajsBackend({ brokers: [] })).toThrow(/brokers must not be empty/);
  });
});
