import { Secret } from "otpauth";
import { afterAll, beforeAll, expect, it } from "vitest";
import { codeAt } from "../../src/methods/totp/totp.js";
import { describeEachStore } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import { bootstrapAdminSession, call, startAdminServer } from "./admin-support.js";
import { expectError, expectTokenBundle, loginOk, registerActive } from "./support.js";

describeEachStore("DELETE /admin/users/:id/mfa", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer(store);
  });
  afterAll(() => server?.close());

  it("removes factors and codes, ends the user's sessions; login answers tokens again", async () => {
    const user = await registerActive(server, "admin-reset");
    const session = (await loginOk(server, user.email)).body;
    const enrol = await call(server, "POST", "/auth/mfa/totp", session.accessToken, {});
    const code = codeAt(Secret.fromBase32(enrol.body.secret).bytes, server.clock());
    const confirmed = await call(
      server,
      "POST",
      `/auth/mfa/totp/${enrol.body.factorId}/confirm`,
      session.accessToken,
      { code },
    );
    expect(confirmed.status).toBe(200);
    expect(
      (await server.post("/auth/login", { email: user.email, password: user.password })).body
        .mfaRequired,
    ).toBe(true);

    const admin = await bootstrapAdminSession(server);
    expectError(
      await call(server, "DELETE", `/admin/users/${user.userId}/mfa`, confirmed.body.accessToken),
      403,
      "FORBIDDEN",
    );
    const reset = await call(
      server,
      "DELETE",
      `/admin/users/${user.userId}/mfa`,
      admin.accessToken,
    );
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expectError(
      await call(server, "GET", "/auth/me", confirmed.body.accessToken),
      401,
      "UNAUTHORIZED",
    );
    await server.smtp.waitForMail(
      (mail) =>
        mail.to.includes(user.email) && mail.subject === "Your Latchkey second factors were reset",
    );
    expectTokenBundle(await loginOk(server, user.email));
    const events = await call(
      server,
      "GET",
      `/admin/audit-events?userId=${user.userId}&type=admin.mfa.reset`,
      admin.accessToken,
    );
    expect(events.body.events).toHaveLength(1);

    expectError(
      await call(
        server,
        "DELETE",
        "/admin/users/00000000-0000-4000-8000-000000000000/mfa",
        admin.accessToken,
      ),
      404,
      "USER_NOT_FOUND",
    );
  });
});
