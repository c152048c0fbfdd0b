import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JwksServer, startJwksServer } from "../helpers/jwks-server.ts";
import { type RunningServer, startNodeServer } from "../helpers/node-server.ts";

/** The flags that let Debian's Chromium start in this sandbox without reaching for the network. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const PAGE_SCRIPT = readFileSync(new URL("./page.js", import.meta.url), "utf8");

interface PageServer {
  origin: string;
  server: Server;
}

/** Serves the test page; the proxy's address and the token are written into it. */
async function startPageServer(config: () => { proxy: string; token: string }): Promise<PageServer> {
  const server = createServer((req, res) => {
    if (req.url !== "/") {
      res.writeHead(404).end();
      return;
    }
    const html = `<!doctype html><title>clicks</title><script>window.PROXY_CONFIG = ${JSON.stringify(config())};</script><script type="module">${PAGE_SCRIPT}</script>`;
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function outcomeOf(browser: Browser, origin: string): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(
      () => (globalThis as unknown as { outcome?: unknown }).outcome !== undefined,
      null,
      {
        timeout: 45_000,
      },
    );
    return await page.evaluate(() => (globalThis as unknown as { outcome: Record<string, unknown> }).outcome);
  } finally {
    await page.close();
  }
}

describe("a browser page on another origin, with CORS and a bearer token", () => {
  let idp: JwksServer;
  let proxy: RunningServer;
  let allowedPage: PageServer;
  let otherPage: PageServer;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    idp = await startJwksServer();
    token = await idp.sign("ec", { sub: "browser-user" }, { expiresIn: "10m" });
    const config = () => ({ proxy: proxy.url, token });
    allowedPage = await startPageServer(config);
    otherPage = await startPageServer(config);
    proxy = await startNodeServer({
      AUTH_ENABLED: "true",
      AUTH_JWKS_URL: idp.url,
      AUTH_PERMISSIONS: JSON.stringify({ "browser-user": ["produce:clicks", "consume:clicks"] }),
      CORS_ORIGINS: allowedPage.origin,
    });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    for (const page of [allowedPage, otherPage]) await new Promise((r) => page?.server.close(r));
    await idp?.close();
  });

  it("produces JSON records and reads them back through a consumer instance", async () => {
    const outcome = await outcomeOf(browser, allowedPage.origin);
    expect(outcome.withoutToken).toMatchObject({ status: 401, body: { error_code: 40101 } });
    expect(outcome.produce).toMatchObject({ status: 200 });
    expect(outcome.forbidden).toEqual({
      status: 403,
      body: {
        error_code: 40301,
        message: "Not authorized: principal 'browser-user' may not produce to topic 'payments'.",
      },
    });
    expect(outcome.create).toMatchObject({
      status: 200,
      body: { instance_id: "tab-1", base_uri: `${proxy.url}/consumers/browser-group/instances/tab-1` },
    });
    expect(outcome.subscribe).toEqual({ status: 204, body: null });
    expect(outcome.readError).toBeUndefined();
    const records = outcome.records as Array<{ key: unknown; value: unknown }>;
    expect(records.map((r) => [r.key, r.value])).toEqual([
      ["visitor-1", { page: "/home", n: 1 }],
      ["visitor-2", { page: "/cart", n: 2 }],
    ]);
    expect(outcome.delete).toEqual({ status: 204, body: null });
    const preflights = proxy.lines.filter((l) => l.msg === "request" && l.method === "OPTIONS");
    expect(preflights.map((l) => l.status)).toContain(204);
    expect(preflights.some((l) => String(l.path).endsWith("/records"))).toBe(true);
  });

  it("is refused by the browser on an origin that is not in CORS_ORIGINS", async () => {
    const outcome = await outcomeOf(browser, otherPage.origin);
    expect(outcome.withoutToken).toEqual({ failed: "TypeError: Failed to fetch" });
    expect(outcome.produce).toEqual({ failed: "TypeError: Failed to fetch" });
  });

  it("never logs the token", () => {
    expect(JSON.stringify(proxy.lines)).not.toContain(token.split(".")[2]);
  });
});
