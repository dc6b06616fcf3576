import { decodeJwt } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import {
  bearer,
  bootstrapAdminSession,
  call,
  expectOk,
  me,
  refresh,
  type Session,
  signedInAccount,
  signIn,
  startAdminServer,
} from "./admin-support.js";
import { expectError, PASSWORD } from "./support.js";

/**
 * Issue 13 item 14 (README, "Assurance levels and claims"): the access
 * tokens of an ended session, or of a blocked or deleted user, are refused at once by
 * every authenticated route of Latchkey, not only /auth/me; and item 17's claims.
 */
describeEachStore("tokens of ended sessions", (store) => {
  let server: TestServer;
  let admin: Session;
  beforeAll(async () => {
    server = await startAdminServer(store);
    admin = await bootstrapAdminSession(server);
  });
  afterAll(() => server?.close());

  it("after POST /auth/logout (refresh token) the access token is refused on /auth/me", async () => {
    const session = await signedInAccount(server, { tag: "logout" });
    expectOk(await me(server, session.accessToken));
    expectOk(await server.post("/auth/logout", { refreshToken: session.refreshToken }));
    expectError(await me(server, session.accessToken), 401, "UNAUTHORIZED");
    expectError(
      await call(server, "GET", "/auth/sessions", session.accessToken),
      401,
      "UNAUTHORIZED",
    );
  });

  it("POST /auth/logout with only a Bearer token ends that token's session", async () => {
    const session = await signedInAccount(server, { tag: "bearer-logout" });
    const other = await signIn(server, session);
    expectOk(await server.post("/auth/logout", undefined, bearer(session.accessToken)));
    expectError(await me(server, session.accessToken), 401, "UNAUTHORIZED");
    expectError(await refresh(server, session.refreshToken), 401, "INVALID_REFRESH_TOKEN");
    // Only that session: another one of the same user goes on.
    expectOk(await me(server, other.accessToken));
    expectOk(await refresh(server, other.refreshToken));
  });

  it("logout-all, DELETE /auth/sessions/:id and change-password refuse the ended sessions' tokens", async () => {
    const first = await signedInAccount(server, { tag: "many" });
    const second = await signIn(server, first);
    const third = await signIn(server, first);
    const sid = (token: string) => decodeJwt(token).sid as string;
    expectOk(
      await call(server, "DELETE", `/auth/sessions/${sid(second.accessToken)}`, first.accessToken),
    );
    expectError(await me(server, second.accessToken), 401, "UNAUTHORIZED");
    expectOk(
      await call(server, "POST", "/auth/change-password", first.accessToken, {
        currentPassword: PASSWORD,
        newPassword: "another long passphrase",
      }),
    );
    expectError(await me(server, third.accessToken), 401, "UNAUTHORIZED");
    // change-password keeps the calling session.
    expectOk(await me(server, first.accessToken));
    expectOk(await call(server, "POST", "/auth/logout-all", first.accessToken));
    expectError(await me(server, first.accessToken), 401, "UNAUTHORIZED");
  });

  it("a blocked user's token is refused on GET /auth/sessions and every other route", async () => {
    const session = await signedInAccount(server, { tag: "blocked" });
    expectOk(
      await call(server, "PATCH", `/admin/users/${session.id}`, admin.accessToken, {
        status: "blocked",
      }),
    );
    for (const [method, path] of [
      ["GET", "/auth/sessions"],
      ["GET", "/auth/me"],
      ["POST", "/auth/logout-all"],
    ] as const) {
      expectError(await call(server, method, path, session.accessToken), 403, "ACCOUNT_BLOCKED");
    }
    // Blocked in the store alone (no revoke): refused all the same.
    const direct = await signedInAccount(server, { tag: "blocked-direct" });
    await server.runtime.deps.stores.users.update(direct.id, { status: "blocked" }, server.clock());
    expectError(
      await call(server, "GET", "/auth/sessions", direct.accessToken),
      403,
      "ACCOUNT_BLOCKED",
    );
  });

  it("a deleted user's token is refused on logout-all and /auth/sessions", async () => {
    const session = await signedInAccount(server, { tag: "deleted" });
    expectOk(await call(server, "DELETE", `/admin/users/${session.id}`, admin.accessToken));
    expectError(
      await call(server, "POST", "/auth/logout-all", session.accessToken),
      401,
      "UNAUTHORIZED",
    );
    expectError(
      await call(server, "GET", "/auth/sessions", session.accessToken),
      401,
      "UNAUTHORIZED",
    );
  });

  it("a demoted admin's old token is refused on the admin API", async () => {
    const other = await signedInAccount(server, { tag: "demoted", role: "admin" });
    expectOk(await call(server, "GET", "/admin/users", other.accessToken));
    expectOk(
      await call(server, "PATCH", `/admin/users/${other.id}`, admin.accessToken, { role: "user" }),
    );
    expectError(await call(server, "GET", "/admin/users", other.accessToken), 401, "UNAUTHORIZED");
  });

  it("the account page signs out a cookie whose session ended", async () => {
    const session = await signedInAccount(server, { tag: "page" });
    const page = () =>
      fetch(`${server.url}/account`, {
        headers: { cookie: `accessToken=${session.accessToken}` },
        redirect: "manual",
      });
    expect((await page()).status).toBe(200);
    expectOk(await call(server, "POST", "/auth/logout-all", session.accessToken));
    const res = await page();
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/\/sign-in/);
  });

  it("tokens carry aud, client_id, aal and amr; the bundle and /auth/me answer aal and amr", async () => {
    const session = await signedInAccount(server, { tag: "claims" });
    const login = await server.post("/auth/login", { email: session.email, password: PASSWORD });
    expect(login.body).toMatchObject({ aal: "aal1", amr: ["pwd"] });
    expect(decodeJwt(login.body.accessToken)).toMatchObject({
      aud: server.runtime.deps.config.publicUrl,
      client_id: "latchkey",
      aal: "aal1",
      amr: ["pwd"],
    });
    const refreshed = expectOk(await refresh(server, login.body.refreshToken));
    expect(refreshed).toMatchObject({ aal: "aal1", amr: ["pwd"] });
    expect(expectOk(await me(server, refreshed.accessToken))).toMatchObject({
      aal: "aal1",
      amr: ["pwd"],
    });
  });
});
