import { describe, expect, it } from "vitest";
import { buildWorkerBundle } from "../workers/worker-bundle.ts";

describe("Worker bundle", () => {
  it("builds with wrangler's dry run and holds no node:* module, kafkajs or ioredis", async () => {
    const bundle = await buildWorkerBundle();
    expect(bundle.nodeOnly).toEqual([]);
    expect(bundle.gzip).toBeGreaterThan(0);
  });
});
