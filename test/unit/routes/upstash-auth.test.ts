import { describe, expect, it } from "vitest";
import { testApp } from "../../helpers/app.ts";

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, "latin1").toString("base64")}`;

describe("Upstash dialect: Basic auth", () => {
  const env = { UPSTASH_USERNAME: "user", UPSTASH_PASSWORD: "pässword" };

  it("answers 401 in the Upstash envelope without or with wrong credentials", async () => {
    const t = testApp(env);
    for (const authorization of [undefined, basic("user:wrong"), "Bearer token", basic("user")]) {
      const res = await t.app.request("/upstash/topics", { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/^Unauthorized/), status: 401 });
    }
  });

  it("accepts the credentials encoded as the @upstash/kafka client (Latin-1) and curl (UTF-8) do", async () => {
    const t = testApp(env);
    const utf8 = `Basic ${Buffer.from("user:pässword").toString("base64")}`;
    for (const authorization of [basic("user:pässword"), utf8]) {
      const res = await t.app.request("/upstash/topics", { headers: { authorization } });
      expect(res.status).toBe(200);
    }
  });

  it("takes ?user=&pass= on the webhook only", async () => {
    const t = testApp(env);
    const hook = await t.app.request("/upstash/webhook?topic=w&user=user&pass=p%C3%A4ssword", {
      method: "POST",
      body: "x",
    });
    expect(hook.status).toBe(200);
    const topics = await t.app.request("/upstash/topics?user=user&pass=p%C3%A4ssword");
    expect(topics.status).toBe(401);
  });

  it("leaves the Confluent routes alone and never logs the password", async () => {
    const t = testApp(env);
    expect((await t.app.request("/topics")).status).toBe(200);
    await t.app.request("/upstash/topics", { headers: { authorization: basic("user:pässword") } });
    expect(JSON.stringify(t.logs)).not.toContain("pässword");
    expect(JSON.stringify(t.config)).not.toContain("pässword");
  });

  it("is open when no credentials are configured", async () => {
    expect((await testApp().app.request("/upstash/topics")).status).toBe(200);
  });
});
