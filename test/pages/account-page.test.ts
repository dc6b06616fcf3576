import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectAnnouncedErrors,
  getPage,
  NEW_PASSWORD,
  PASSWORD,
  postForm,
  SAME_ORIGIN_FORM,
  signInWithPages,
  signUpWithPages,
} from "./support.js";

let sequence = 0;
const email = (tag: string) => `account-${tag}-${++sequence}@latchkey.test`;

/** /account and its forms, as a browser without JavaScript sends them. */
describe("the account page without JavaScript", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
  });
  afterAll(() => server?.close());

  const signUpAndVerify = (tag: string) => signUpWithPages(server, email(tag));
  const signIn = (address: string, password = PASSWORD) =>
    signInWithPages(server, address, password);

  it("/account without a session sends the person to sign in", async () => {
    const page = await getPage(server, "/account");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/sign-in?notice=sign-in-required");
    const signInPage = await getPage(server, page.location ?? "");
    expect(signInPage.html).toContain('data-resume="/account"');
    const forged = await getPage(server, "/account", {
      headers: { cookie: "accessToken=eyJhbGciOiJub25lIn0.e30." },
    });
    expect(forged.status).toBe(303);
  });

  it("changes the password: other sessions end, this one stays", async () => {
    const address = await signUpAndVerify("change");
    const jar = await signIn(address);
    const other = await server.post("/auth/login", { email: address, password: PASSWORD });
    expect(other.status).toBe(200);

    const mismatch = await postForm(
      server,
      "/account/password",
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: "different" },
      { jar },
    );
    expect(mismatch.status).toBe(400);
    expectAnnouncedErrors(mismatch.html, ["confirmPassword"]);

    const wrongCurrent = await postForm(
      server,
      "/account/password",
      { currentPassword: "not it", newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      { jar },
    );
    expect(wrongCurrent.status).toBe(401);
    expectAnnouncedErrors(wrongCurrent.html, ["currentPassword"]);

    const changed = await postForm(
      server,
      "/account/password",
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      { jar },
    );
    expect(changed.location).toBe("/account?notice=password-changed");
    const refreshed = await server.post("/auth/refresh", { refreshToken: other.body.refreshToken });
    expect(refreshed.status).toBe(401);
    const account = await getPage(server, changed.location ?? "", { jar });
    expect(account.status).toBe(200);
    expect(account.html).toContain("Your password was changed.");
    await signIn(address, NEW_PASSWORD);
  });

  it("revokes another session by its button, and only the person's own", async () => {
    const address = await signUpAndVerify("revoke");
    const jar = await signIn(address);
    const other = await server.post(
      "/auth/login",
      { email: address, password: PASSWORD },
      {
        "user-agent":
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1",
      },
    );
    const before = await getPage(server, "/account", { jar });
    expect(before.html).toContain("Safari on iOS");
    const ids = [...before.html.matchAll(/name="id" value="([^"]+)"/g)].map((m) => m[1]);
    // The current session has no revoke button: "Sign out" ends it.
    expect(ids).toHaveLength(1);

    const stranger = await signIn(await signUpAndVerify("stranger"));
    const refused = await postForm(
      server,
      "/account/sessions/revoke",
      { id: ids[0]! },
      { jar: stranger },
    );
    expect(refused.status).toBe(404);
    expect(refused.html).toContain("That session no longer exists.");

    const revoked = await postForm(server, "/account/sessions/revoke", { id: ids[0]! }, { jar });
    expect(revoked.location).toBe("/account?notice=session-ended");
    expect(
      (await server.post("/auth/refresh", { refreshToken: other.body.refreshToken })).status,
    ).toBe(401);
    const after = await getPage(server, "/account", { jar });
    expect(after.html).not.toContain("Safari on iOS");
  });

  it("signs out: the session ends and both cookies are cleared", async () => {
    const address = await signUpAndVerify("logout");
    const jar = await signIn(address);
    const refreshToken = jar.get("refreshToken") ?? "";
    const out = await postForm(server, "/auth/sign-out", {}, { jar });
    expect(out.location).toBe("/sign-in?notice=signed-out");
    const cleared = out.headers.getSetCookie().join("\n");
    expect(cleared).toMatch(/accessToken=;/);
    expect(cleared).toMatch(/refreshToken=;/);
    expect((await server.post("/auth/refresh", { refreshToken })).status).toBe(401);
    expect((await getPage(server, "/account", { jar })).status).toBe(303);
  });

  it("signs out after the access cookie ran out: the refresh cookie ends the session", async () => {
    const address = await signUpAndVerify("logout-expired");
    const jar = await signIn(address);
    const refreshToken = jar.get("refreshToken") ?? "";
    server.clock.advance(server.runtime.deps.config.accessTokenTtl + 60);
    // What the browser sends to /auth/sign-out then: the refresh cookie (Path=/auth) alone.
    const out = await postForm(
      server,
      "/auth/sign-out",
      {},
      { headers: { ...SAME_ORIGIN_FORM, cookie: `refreshToken=${refreshToken}` } },
    );
    expect(out.location).toBe("/sign-in?notice=signed-out");
    expect(out.headers.getSetCookie().join("\n")).toMatch(/refreshToken=;.*Path=\/auth/);
    expect((await server.post("/auth/refresh", { refreshToken })).status).toBe(401);
  });

  // Regression: Chromium sends `Origin: null` with forms on no-referrer pages, which the
  // API's cookie rule refuses; the pages' own rule accepts it with Sec-Fetch-Site.

  it("accepts a same-origin form with cookies and Origin: null, refuses it cross-site", async () => {
    const address = await signUpAndVerify("origin-null");
    const jar = await signIn(address);
    const crossSite = await postForm(
      server,
      "/auth/sign-out",
      {},
      {
        jar,
        headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      },
    );
    expect(crossSite.status).toBe(403);
    expect((await getPage(server, "/account", { jar })).status).toBe(200);
    const sameOrigin = await postForm(server, "/auth/sign-out", {}, { jar });
    expect(sameOrigin.status).toBe(303);
  });

  it("a blocked account is told so on /account, and its cookies are cleared", async () => {
    const address = await signUpAndVerify("blocked");
    const jar = await signIn(address);
    const user = await server.runtime.deps.stores.users.findByEmail(address);
    await server.runtime.deps.stores.users.update(user!.id, { status: "blocked" }, new Date());
    const page = await getPage(server, "/account", { jar });
    expect(page.status).toBe(403);
    expect(page.html).toContain("This account is blocked.");
    expect(jar.get("accessToken")).toBeUndefined();
  });
});
