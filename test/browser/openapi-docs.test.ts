import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";

/**
 * The /docs page in a real Chromium (/usr/bin/chromium) against a real Node proxy: it renders
 * every operation of /openapi.json and its "Try it" forms send real requests. Any request that
 * leaves the proxy's origin is blocked and counted, to prove the page works offline.
 */
describe("GET /docs in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];

  beforeAll(async () => {
    server = await startNodeServer();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    page = await browser.newPage();
    await page.route("**/*", (route) => {
      if (route.request().url().startsWith(server.url)) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector("body[data-ready=true]");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const operation = (id: string) => page.locator(`details#${id}`);

  async function send(id: string, fill: Record<string, string> = {}, body?: string) {
    await operation(id).locator("summary").click();
    for (const [name, value] of Object.entries(fill))
      await operation(id).locator(`input[name="${name}"]`).fill(value);
    if (body !== undefined) await operation(id).locator("textarea").fill(body);
    await operation(id).getByRole("button", { name: "Send" }).click();
    await operation(id).locator(".response-body").waitFor();
    return {
      status: await operation(id).locator(".result .status").textContent(),
      body: await operation(id).locator(".response-body").textContent(),
    };
  }

  it("lists every operation of the document under its tag, from the proxy alone", async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    const count = Object.values(doc.paths as Record<string, object>).reduce(
      (n, item) => n + Object.keys(item).length,
      0,
    );
    expect(await page.locator("details.op").count()).toBe(count);
    expect(await page.locator("h1").textContent()).toBe(`kafka-edge-proxy ${doc.info.version}`);
    expect(await page.locator("h2").allTextContents()).toContain("Webhooks");
    expect(foreign).toEqual([]);
  });

  it("produces and reads back through the Try it forms", async () => {
    const produced = await send(
      "postTopicsByTopic",
      { topic: "docs-page" },
      JSON.stringify({ records: [{ value: "aGVsbG8=" }] }),
    );
    expect(produced.status).toMatch(/^200 OK {2}application\/vnd\.kafka\.v2\+json/);
    expect(JSON.parse(produced.body ?? "")).toMatchObject({ offsets: [{ partition: 0, offset: 0 }] });

    const topics = await send("getTopics");
    expect(JSON.parse(topics.body ?? "")).toEqual(["docs-page"]);

    const read = await send("getTopicsByTopicPartitionsByPartitionMessages", {
      topic: "docs-page",
      partition: "0",
      offset: "0",
    });
    expect(JSON.parse(read.body ?? "")).toEqual([{ key: null, value: "aGVsbG8=", partition: 0, offset: 0 }]);
  });

  it("shows errors as the proxy sends them", async () => {
    const missing = await send("getTopicsByTopic", { topic: "nope" });
    expect(missing.status).toMatch(/^404 Not Found/);
    expect(JSON.parse(missing.body ?? "")).toEqual({ error_code: 40401, message: "Topic 'nope' not found." });
  });

  it("filters operations by path", async () => {
    await page.locator("#filter").fill("webhooks");
    expect(await page.locator("details.op:not(.hidden)").count()).toBe(1);
    await page.locator("#filter").fill("");
  });
});

describe("GET /docs with AUTH_ENABLED", () => {
  const KEY = "docs-page-key-0123456789";
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startNodeServer({ AUTH_ENABLED: "true", AUTH_API_KEYS: JSON.stringify({ ops: KEY }) });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("loads without a key and sends the Authorization field with Try it", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/docs`);
    await page.waitForSelector("body[data-ready=true]");
    const topics = page.locator("details#getTopics");
    await topics.locator("summary").click();
    await topics.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => topics.locator(".result .status").textContent()).toMatch(/^401 /);
    await page.locator("#authorization").fill(`Bearer ${KEY}`);
    await topics.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => topics.locator(".result .status").textContent()).toMatch(/^200 /);
    expect(await topics.locator(".response-body").textContent()).toBe("[]");
  });
});
