import { describe, expect, it } from "vitest";
import { runNodeEntry } from "../helpers/node-server.ts";

describe("Node entry with a Workers-only state store", () => {
  it.each(["kv", "durable-object"])("exits 1 naming STATE_STORE=%s instead of starting", async (store) => {
    const { code, stderr } = await runNodeEntry({ STATE_STORE: store, PORT: "0" });
    expect(code).toBe(1);
    expect(stderr).toContain(`STATE_STORE=${store} exists only on Cloudflare Workers`);
  });
});
