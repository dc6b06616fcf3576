import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import { bootstrapAdminSession, call, startAdminServer } from "./admin-support.js";
import { appCode, enrolAuthenticator } from "./second-factor-support.js";
import {
  expectError,
  expectOnlyMfaCookie,
  expectTokenBundle,
  loginOk,
  registerActive,
} from "./support.js";

describeEachStore(
  "second factors: MFA_TOKEN_TTL, the mfaToken cookie, ADMIN_REQUIRE_MFA",
  (store) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startAdminServer(store, { MFA_TOKEN_TTL: "2m", ADMIN_REQUIRE_MFA: "true" });
    });
    afterAll(() => server?.close());

    async function userWithAuthenticator(tag: string) {
      const user = await registerActive(server, tag);
      const { secret } = await enrolAuthenticator(
        server,
        (await loginOk(server, user.email)).body.accessToken,
      );
      return { ...user, secret };
    }

    it("the mfaToken lives MFA_TOKEN_TTL: answered as expiresIn and the cookie's max-age, dead after", async () => {
      const user = await userWithAuthenticator("ttl");
      const res = await server.post("/auth/login", { email: user.email, password: user.password });
      expect(res.body).toMatchObject({ mfaRequired: true, expiresIn: 120 });
      expectOnlyMfaCookie(res);

      server.clock.advance(121);
      expectError(
        await server.post("/auth/mfa/verify", {
          mfaToken: res.body.mfaToken,
          method: "totp",
          code: appCode(server, user.secret),
        }),
        401,
        "INVALID_MFA_TOKEN",
      );
    });

    it("a browser client finishes with the lk_mfa cookie alone; the cookie is cleared, and a missing token is 401", async () => {
      const user = await userWithAuthenticator("cookie");
      const res = await server.post("/auth/login", { email: user.email, password: user.password });
      server.clock.advance(30);
      const cookie = `lk_mfa=${res.body.mfaToken}`;
      const done = await server.post(
        "/auth/mfa/verify",
        { method: "totp", code: appCode(server, user.secret) },
        { cookie },
      );
      expectTokenBundle(done);
      expect(done.body).toMatchObject({ aal: "aal2", amr: ["pwd", "otp"] });
      const cleared = done.headers.getSetCookie().find((c) => c.startsWith("lk_mfa="));
      expect(cleared).toMatch(/^lk_mfa=;.*Path=\/auth\/mfa/);
      expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);

      expectError(
        await server.post("/auth/mfa/verify", { method: "totp", code: "123456" }),
        401,
        "INVALID_MFA_TOKEN",
      );
      // The body's token wins over a cookie: a stale cookie does not shadow a fresh sign-in.
      const again = await server.post("/auth/login", {
        email: user.email,
        password: user.password,
      });
      server.clock.advance(30);
      const withBoth = await server.post(
        "/auth/mfa/verify",
        { mfaToken: again.body.mfaToken, method: "totp", code: appCode(server, user.secret) },
        { cookie },
      );
      expectTokenBundle(withBoth);
    });

    it("counts each checked answer in latchkey_mfa_verifications_total, by method and outcome", async () => {
      const user = await userWithAuthenticator("metrics");
      const series = (method: string, outcome: string) =>
        `latchkey_mfa_verifications_total{method="${method}",outcome="${outcome}"}`;
      const read = async () => {
        const text = await server.runtime.metrics.render();
        const value = (name: string) =>
          Number(
            text
              .split("\n")
              .find((line) => line.startsWith(`${name} `))
              ?.split(" ")[1],
          );
        return {
          totpOk: value(series("totp", "success")),
          totpWrong: value(series("totp", "failure")),
          passkeyOk: value(series("passkey", "success")),
        };
      };
      const before = await read();
      const res = await server.post("/auth/login", { email: user.email, password: user.password });
      server.clock.advance(30);
      const body = { mfaToken: res.body.mfaToken, method: "totp" };
      const wrong = String((Number(appCode(server, user.secret)) + 1) % 1_000_000).padStart(6, "0");
      expectError(
        await server.post("/auth/mfa/verify", { ...body, code: wrong }),
        400,
        "INVALID_CODE",
      );
      expectTokenBundle(
        await server.post("/auth/mfa/verify", { ...body, code: appCode(server, user.secret) }),
      );
      expect(await read()).toEqual({
        totpOk: before.totpOk + 1,
        totpWrong: before.totpWrong + 1,
        passkeyOk: 0,
      });
    });

    it("ADMIN_REQUIRE_MFA: an admin's aal1 session gets 403 MFA_REQUIRED on admin routes, aal2 opens them", async () => {
      const admin = await bootstrapAdminSession(server);
      expectError(
        await call(server, "GET", "/admin/users", admin.accessToken),
        403,
        "MFA_REQUIRED",
      );
      expectError(
        await call(server, "GET", "/admin/stats", admin.accessToken),
        403,
        "MFA_REQUIRED",
      );
      // Not a way around it: an ordinary user is still refused as before.
      const user = await registerActive(server, "not-admin");
      const plain = (await loginOk(server, user.email)).body.accessToken;
      expectError(await call(server, "GET", "/admin/users", plain), 403, "FORBIDDEN");

      // The admin adds a second factor (allowed at aal1: they have none yet) and is in at aal2.
      const { confirmed } = await enrolAuthenticator(server, admin.accessToken);
      expect(confirmed.aal).toBe("aal2");
      const users = await call(server, "GET", "/admin/users", confirmed.accessToken);
      expect(users.status, JSON.stringify(users.body)).toBe(200);
      const stats = await call(server, "GET", "/admin/stats", confirmed.accessToken);
      expect(stats.status).toBe(200);
    });
  },
);
