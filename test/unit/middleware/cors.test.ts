import { describe, expect, it } from "vitest";
import { testApp, V2, V2_JSON } from "../../helpers/app.ts";

const APP = "https://app.example.com";
const KEY = "web-key-0123456789abcdef";
const AUTH = {
  AUTH_ENABLED: "true",
  AUTH_API_KEYS: JSON.stringify({ web: KEY }),
  AUTH_PERMISSIONS: JSON.stringify({ web: ["produce:clicks", "consume:clicks"] }),
};

function preflight(t: ReturnType<typeof testApp>, path: string, method: string, origin = APP) {
  return t.request(path, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": method,
      "Access-Control-Request-Headers": "authorization,content-type,accept,x-request-id",
    },
  });
}

describe("CORS", () => {
  it("is off unless CORS_ORIGINS is set: no CORS headers at all", async () => {
    const t = testApp();
    const res = await t.request("/topics", { headers: { Origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers preflights on every route, before authentication, with the headers the v2 API needs", async () => {
    const t = testApp({ ...AUTH, CORS_ORIGINS: APP });
    const routes: Array<[string, string]> = [
      ["/topics/clicks", "POST"],
      ["/consumers/g/instances/i/records", "GET"],
      ["/consumers/g/instances/i/offsets", "GET"],
      ["/consumers/g/instances/i", "DELETE"],
      ["/v3/clusters/embedded/topics", "POST"],
    ];
    for (const [path, method] of routes) {
      const res = await preflight(t, path, method);
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP);
      expect(res.headers.get("access-control-allow-methods")).toBe("GET,HEAD,POST,PUT,DELETE");
      expect(res.headers.get("access-control-allow-headers")).toBe(
        "Content-Type,Accept,Authorization,X-Request-Id",
      );
      expect(res.headers.get("access-control-max-age")).toBe("600");
      expect(res.headers.get("vary")).toContain("Origin");
    }
  });

  it("serves a GET that carries a Kafka Content-Type (confluentinc/kafka-rest#308)", async () => {
    const t = testApp({ ...AUTH, CORS_ORIGINS: APP });
    const headers = { Origin: APP, Authorization: `Bearer ${KEY}`, "Content-Type": V2, Accept: V2 };
    await t.request("/topics/clicks", {
      method: "POST",
      headers: { ...headers, "Content-Type": V2_JSON },
      json: { records: [{ value: 1 }] },
    });
    const res = await t.request("/topics/clicks/partitions/0/offsets", { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ beginning_offset: 0, end_offset: 1 });
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
  });

  it("puts CORS headers on errors too, so a page can read its 401", async () => {
    const t = testApp({ ...AUTH, CORS_ORIGINS: APP });
    const res = await t.request("/topics", { headers: { Origin: APP } });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect((await res.json()).error_code).toBe(40101);
  });

  it("gives an origin that is not listed nothing to go on", async () => {
    const t = testApp({ CORS_ORIGINS: APP });
    const pre = await preflight(t, "/topics", "GET", "https://evil.example.com");
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const res = await t.request("/topics", { headers: { Origin: "https://evil.example.com" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows credentials only when asked, and any origin with *", async () => {
    const withCredentials = testApp({ CORS_ORIGINS: APP, CORS_CREDENTIALS: "true" });
    const res = await withCredentials.request("/topics", { headers: { Origin: APP } });
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const open = testApp({ CORS_ORIGINS: "*" });
    const any = await open.request("/topics", { headers: { Origin: "https://anywhere.example" } });
    expect(any.headers.get("access-control-allow-origin")).toBe("*");
    expect(any.headers.get("access-control-allow-credentials")).toBeNull();
  });
});
