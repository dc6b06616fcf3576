import { afterAll, beforeAll, expect, it } from "vitest";
import { extractCode } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

describeEachStore("smoke", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it("registers, verifies, logs in, reads /auth/me", async () => {
    const reg = await server.post("/auth/register", {
      email: " Ada@Example.COM ",
      password: "correct horse battery",
      name: "Ada",
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const mail = await server.smtp.waitForMail((m) => m.to.includes("ada@example.com"));
    const code = extractCode(mail);
    const ver = await server.post("/auth/verify-email", { userId: reg.body.userId, code });
    expect(ver.status, JSON.stringify(ver.body)).toBe(200);
    const login = await server.post("/auth/login", {
      email: "ada@example.com",
      password: "correct horse battery",
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const me = await server.get("/auth/me", { authorization: `Bearer ${login.body.accessToken}` });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe("ada@example.com");
  });
});
