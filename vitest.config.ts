import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [
            "test/integration/**",
            "test/lambda/**",
            "test/conformance/**",
            "test/workers/**",
            "test/browser/**",
            "**/node_modules/**",
          ],
          testTimeout: 20_000,
        },
      },
      {
        // Against a real Kafka broker, started by the global setup unless KAFKA_BROKERS is given.
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The packaged Lambda handler (built by the global setup when stale) with recorded events,
        // and against a real Kafka broker and Redis.
        test: {
          name: "lambda",
          include: ["test/lambda/**/*.test.ts"],
          globalSetup: ["test/lambda/global-setup.ts", "test/integration/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 180_000,
        },
      },
      {
        // One HTTP suite run against every entry listed in test/conformance/targets/index.ts.
        test: {
          name: "conformance",
          include: ["test/conformance/**/*.test.ts"],
          globalSetup: ["test/lambda/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Headless Chromium (Debian's, driven by playwright-core) on a page from another origin.
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Inside workerd (miniflare), with wrangler.toml's bindings: the Worker entry and its state stores.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { LOG_LEVEL: "warn" } },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
