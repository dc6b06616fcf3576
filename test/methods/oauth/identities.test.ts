import { afterAll, beforeAll, expect, it } from "vitest";
import { call } from "../../e2e/admin-support.js";
import { enrolAuthenticator } from "../../e2e/second-factor-support.js";
import {
  expectError,
  mailsTo,
  nthCodeTo,
  PASSWORD,
  settleMail,
  signedIn,
  uniqueEmail,
} from "../../e2e/support.js";
import { describeEachStore } from "../../helpers/stores.js";
import { CookieJar } from "../../helpers/test-oidc-provider.js";
import {
  account,
  browse,
  exchange,
  type OAuthWorld,
  signInAt,
  signInThroughProvider,
  startOAuthWorld,
} from "./support.js";

describeEachStore("identities linked to users", (store) => {
  let world: OAuthWorld;

  beforeAll(async () => {
    world = await startOAuthWorld(store);
  });
  afterAll(async () => {
    await world?.close();
  });

  /** The signed-in browser (its accessToken cookie) connects `who` at the provider. */
  async function link(accessToken: string, who: ReturnType<typeof account>) {
    world.op.account = who;
    const jar = new CookieJar();
    jar.cookies.set("accessToken", accessToken);
    return (await browse(world, "/auth/oauth/idp/link", jar)).searchParams;
  }

  it("links an identity to the signed-in user, once, and never to a second user", async () => {
    const user = await signedIn(world.server, "oidc-linker");
    const who = account(uniqueEmail("oidc-elsewhere"));
    expect((await link(user.accessToken, who)).get("linked")).toBe("idp");
    // Signing in with it now reaches the linked user, whatever the emails.
    const res = await signInThroughProvider(world, who);
    expect(res.body.user.id).toBe(user.userId);
    const listed = await call(world.server, "GET", "/auth/identities", user.accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body.identities).toEqual([
      { id: expect.any(String), provider: "idp", email: who.email, createdAt: expect.any(String) },
    ]);

    const other = await signedIn(world.server, "oidc-other");
    expect((await link(other.accessToken, who)).get("error")).toBe("IDENTITY_TAKEN");
    const theirs = await call(world.server, "GET", "/auth/identities", other.accessToken);
    expect(theirs.body.identities).toEqual([]);
  });

  it("needs a signed-in user to link", async () => {
    expectError(await world.server.get("/auth/oauth/idp/link"), 401, "UNAUTHORIZED");
  });

  it("never removes the last way in (LAST_SIGN_IN_METHOD); with a password it may go", async () => {
    const made = await signInThroughProvider(world, account(uniqueEmail("oidc-only")));
    const token = made.body.accessToken as string;
    const [identity] = (await call(world.server, "GET", "/auth/identities", token)).body.identities;
    const refused = await call(world.server, "DELETE", `/auth/identities/${identity.id}`, token);
    expectError(refused, 409, "LAST_SIGN_IN_METHOD");

    const user = await signedIn(world.server, "oidc-unlink");
    await link(user.accessToken, account(uniqueEmail("oidc-unlink-idp")));
    const [linked] = (await call(world.server, "GET", "/auth/identities", user.accessToken)).body
      .identities;
    const other = await signedIn(world.server, "oidc-stranger");
    const foreign = await call(
      world.server,
      "DELETE",
      `/auth/identities/${linked.id}`,
      other.accessToken,
    );
    expectError(foreign, 404, "NOT_FOUND");
    const removed = await call(
      world.server,
      "DELETE",
      `/auth/identities/${linked.id}`,
      user.accessToken,
    );
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(
      (await call(world.server, "GET", "/auth/identities", user.accessToken)).body.identities,
    ).toEqual([]);
  });

  it("asks a user with an authenticator app for it after the provider; an aal2 session unlinks", async () => {
    const user = await signedIn(world.server, "oidc-mfa");
    const who = account(uniqueEmail("oidc-mfa-idp"));
    await link(user.accessToken, who);
    const { confirmed } = await enrolAuthenticator(world.server, user.accessToken);

    const params = await signInAt(world, who);
    const res = await exchange(world, params.get("code"));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      mfaRequired: true,
      methods: expect.arrayContaining(["totp"]),
    });
    expect(res.body.accessToken).toBeUndefined();

    // An aal1 session (a password alone) must step up before unlinking.
    const aal1 = await world.server.post("/auth/login", {
      email: user.email,
      password: user.password,
    });
    expect(aal1.body.mfaRequired).toBe(true);
    const aal2 = confirmed.accessToken as string;
    const [identity] = (await call(world.server, "GET", "/auth/identities", aal2)).body.identities;
    expect(
      (await call(world.server, "DELETE", `/auth/identities/${identity.id}`, aal2)).status,
    ).toBe(200);
  });

  it("lets a provider-made user set a password by forgot-password, then unlink", async () => {
    const who = account(uniqueEmail("oidc-reset"));
    const made = await signInThroughProvider(world, who, "trusted");
    const email = made.body.user.email as string;
    expect(
      (await world.server.post("/auth/forgot-password", { email, method: "code" })).status,
    ).toBe(202);
    const code = await nthCodeTo(world.server, email, 1);
    const reset = await world.server.post("/auth/reset-password", {
      email,
      code,
      password: PASSWORD,
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const login = await world.server.post("/auth/login", { email, password: PASSWORD });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;
    const [identity] = (await call(world.server, "GET", "/auth/identities", token)).body.identities;
    expect(
      (await call(world.server, "DELETE", `/auth/identities/${identity.id}`, token)).status,
    ).toBe(200);
  });

  it("asks a user with MFA on an aal1 session to step up before unlinking (MFA_REQUIRED)", async () => {
    const user = await signedIn(world.server, "oidc-stepup");
    await link(user.accessToken, account(uniqueEmail("oidc-stepup-idp")));
    const { confirmed } = await enrolAuthenticator(world.server, user.accessToken);
    // A reset by mailed code finished with a recovery code is one factor: aal1 (README).
    await settleMail(world.server);
    const next = mailsTo(world.server, user.email).length + 1;
    await world.server.post("/auth/forgot-password", { email: user.email, method: "code" });
    const code = await nthCodeTo(world.server, user.email, next);
    const reset = await world.server.post("/auth/reset-password", {
      email: user.email,
      code,
      password: `${PASSWORD} again`,
    });
    expect(reset.body.mfaRequired, JSON.stringify(reset.body)).toBe(true);
    const [recovery] = confirmed.recoveryCodes as string[];
    const verified = await world.server.post("/auth/mfa/verify", {
      mfaToken: reset.body.mfaToken,
      method: "recovery_code",
      code: recovery,
    });
    expect(verified.body.aal, JSON.stringify(verified.body)).toBe("aal1");
    const aal1 = verified.body.accessToken as string;
    const [identity] = (await call(world.server, "GET", "/auth/identities", aal1)).body.identities;
    const refused = await call(world.server, "DELETE", `/auth/identities/${identity.id}`, aal1);
    expectError(refused, 403, "MFA_REQUIRED");
  });
});
