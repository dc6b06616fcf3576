import { afterAll, beforeAll, expect, it } from "vitest";
import {
  expectError,
  PASSWORD,
  registerActive,
  registerPending,
  resetWithMailedCode,
  uniqueEmail,
} from "../../e2e/support.js";
import { describeEachStore } from "../../helpers/stores.js";
import { CookieJar, followRedirects } from "../../helpers/test-oidc-provider.js";
import {
  APP,
  account,
  atApp,
  exchange,
  type OAuthWorld,
  OTHER_APP,
  pkcePair,
  signInAt,
  signInThroughProvider,
  startOAuthWorld,
} from "./support.js";

describeEachStore("sign-in with an OpenID provider", (store) => {
  let world: OAuthWorld;

  beforeAll(async () => {
    world = await startOAuthWorld(store);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("lists the providers with their names", async () => {
    const res = await world.server.get("/auth/oauth/providers");
    expect(res.status).toBe(200);
    expect(res.body.providers).toEqual([
      { id: "idp", name: "idp" },
      { id: "trusted", name: "Trusted IdP" },
      { id: "down", name: "down" },
    ]);
  });

  it("makes an active account with no password for a new identity; its code works once", async () => {
    const email = uniqueEmail("oidc-new");
    const params = await signInAt(world, account(email));
    const code = params.get("code");
    const res = await exchange(world, code);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.amr).toEqual(["oauth"]);
    expect(res.body.aal).toBe("aal1");
    expect(res.body.user).toMatchObject({ email, status: "active" });
    // No password: any password is a wrong one, answered like any other.
    expectError(
      await world.server.post("/auth/login", { email, password: PASSWORD }),
      401,
      "INVALID_CREDENTIALS",
    );
    expectError(await exchange(world, code), 400, "INVALID_GRANT");
  });

  it("signs a returning identity in to the same user", async () => {
    const who = account(uniqueEmail("oidc-back"));
    const first = await signInThroughProvider(world, who);
    const again = await signInThroughProvider(world, who);
    expect(again.body.user.id).toBe(first.body.user.id);
  });

  it("links a verified account only for a trusted provider's verified email", async () => {
    const local = await registerActive(world.server, "oidc-link");
    const untrusted = await signInAt(world, account(local.email));
    expect(untrusted.get("error")).toBe("ACCOUNT_EXISTS");
    const unverified = await signInAt(world, account(local.email, false), "trusted");
    expect(unverified.get("error")).toBe("ACCOUNT_EXISTS");
    const res = await signInThroughProvider(world, account(local.email), "trusted");
    expect(res.body.user.id).toBe(local.userId);
    // The password still works: linking takes nothing away.
    expect(
      (await world.server.post("/auth/login", { email: local.email, password: PASSWORD })).status,
    ).toBe(200);
  });

  it("replaces a pending account with the email, whose password then never works", async () => {
    // Someone signs up with the victim's address first (pre-account-takeover).
    const pending = await registerPending(world.server, "oidc-pending", {
      password: "attackers own secret 1",
    });
    expect((await signInAt(world, account(pending.email))).get("error")).toBe("ACCOUNT_EXISTS");
    const res = await signInThroughProvider(world, account(pending.email), "trusted");
    expect(res.body.user.id).not.toBe(pending.userId);
    expect(res.body.user).toMatchObject({ status: "active", emailVerified: true });
    const login = await world.server.post("/auth/login", {
      email: pending.email,
      password: "attackers own secret 1",
    });
    expectError(login, 401, "INVALID_CREDENTIALS");
    const verify = await world.server.post("/auth/verify-email", {
      userId: pending.userId,
      code: pending.code,
    });
    expect(verify.status).toBeGreaterThanOrEqual(400);
  });

  it("pre-account takeover through an untrusted provider: once the mailbox's owner resets, the identity that made the account is gone", async () => {
    // Someone signs in at an untrusted provider under the victim's address first.
    const email = uniqueEmail("oidc-prehijack");
    const attacker = account(email);
    const made = await signInThroughProvider(world, attacker);
    expect(made.body.user).toMatchObject({ email, emailVerified: false });
    // The victim proves the mailbox with a reset and sets a password.
    world.server.clock.advance(1);
    const reset = await resetWithMailedCode(world.server, email, "the owners own passphrase");
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    // The provider identity no longer opens the account, and is unlinked.
    expect((await signInAt(world, attacker)).get("error")).toBe("ACCOUNT_EXISTS");
    const owner = await world.server.post("/auth/login", {
      email,
      password: "the owners own passphrase",
    });
    const identities = await world.server.get("/auth/identities", {
      authorization: `Bearer ${owner.body.accessToken}`,
    });
    expect(identities.body.identities).toEqual([]);
  });

  it("refuses a callback in another browser, or with another state (INVALID_STATE)", async () => {
    world.op.account = account(uniqueEmail("oidc-csrf"));
    const started = new CookieJar();
    const atCallback = (url: URL) => url.pathname.endsWith("/callback");
    const callback = await followRedirects(
      `${world.server.url}/auth/oauth/idp/authorize`,
      started,
      atCallback,
    );
    const elsewhere = await followRedirects(callback.href, new CookieJar(), atApp(world));
    expect(elsewhere.origin + elsewhere.pathname).toBe(`${APP}/`);
    expect(elsewhere.searchParams.get("error")).toBe("INVALID_STATE");
    const forged = new URL(callback);
    forged.searchParams.set("state", "x".repeat(43));
    const wrong = await followRedirects(forged.href, started, atApp(world));
    expect(wrong.searchParams.get("error")).toBe("INVALID_STATE");
    // The state's own browser then finishes: a mismatch did not use the state up.
    const own = await followRedirects(callback.href, started, atApp(world));
    expect(own.searchParams.get("code")).toEqual(expect.any(String));
  });

  it("refuses an ID token with another nonce (INVALID_STATE), issuer or key (PROVIDER_ERROR)", async () => {
    const cases = [
      [{ claims: (c: Record<string, unknown>) => ({ ...c, nonce: "another" }) }, "INVALID_STATE"],
      [
        { claims: (c: Record<string, unknown>) => ({ ...c, iss: "http://127.0.0.1:1" }) },
        "PROVIDER_ERROR",
      ],
      [
        { claims: (c: Record<string, unknown>) => ({ ...c, aud: "someone-else" }) },
        "PROVIDER_ERROR",
      ],
      [{ foreignKey: true }, "PROVIDER_ERROR"],
    ] as const;
    try {
      for (const [tamper, code] of cases) {
        world.op.tamper = tamper;
        const params = await signInAt(world, account(uniqueEmail("oidc-tamper")));
        expect(params.get("error")).toBe(code);
        expect(params.get("code")).toBeNull();
      }
    } finally {
      world.op.tamper = null;
    }
  });

  it("holds the app to its PKCE verifier (INVALID_GRANT otherwise)", async () => {
    const who = account(uniqueEmail("oidc-pkce"));
    const { verifier, challenge } = pkcePair();
    const query = `?codeChallenge=${challenge}`;
    const missing = await signInAt(world, who, "idp", query);
    expectError(await exchange(world, missing.get("code")), 400, "INVALID_GRANT");
    const wrong = await signInAt(world, who, "idp", query);
    expectError(
      await exchange(world, wrong.get("code"), pkcePair().verifier),
      400,
      "INVALID_GRANT",
    );
    // A verifier where no challenge was sent is a downgrade attempt (RFC 9700 §4.8.2).
    const none = await signInAt(world, who);
    expectError(await exchange(world, none.get("code"), verifier), 400, "INVALID_GRANT");
    const right = await signInAt(world, who, "idp", query);
    expect((await exchange(world, right.get("code"), verifier)).status).toBe(200);
  });

  it("sends the browser back only under APP_URL or the allowlist", async () => {
    const ok = await signInAt(
      world,
      account(uniqueEmail("oidc-allow")),
      "idp",
      `?redirectTo=${encodeURIComponent(`${OTHER_APP}/done?x=1`)}`,
    );
    expect(ok.get("code")).toEqual(expect.any(String));
    for (const target of [
      "http://app.example.test.evil.test/",
      "http://app.example.test@evil.test/",
      "http://evil.test/?http://app.example.test",
      "https://app.example.test/",
      "http://other.example.test/application",
      "http://other.example.test/",
      "javascript:alert(1)",
      "//evil.test/",
    ]) {
      const res = await world.server.get(
        `/auth/oauth/idp/authorize?redirectTo=${encodeURIComponent(target)}`,
      );
      expectError(res, 400, "INVALID_REDIRECT");
    }
    expectError(await world.server.get("/auth/oauth/nope/authorize"), 404, "PROVIDER_NOT_FOUND");
  });

  it("sends the browser back with PROVIDER_ERROR when the provider is down, never a 5xx", async () => {
    const res = await fetch(`${world.server.url}/auth/oauth/down/authorize`, {
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${APP}/?error=PROVIDER_ERROR`);
  });

  it("lands with PROVIDER_ERROR when the provider fails between authorize and callback", async () => {
    world.op.tokenEndpointDown = true;
    try {
      const params = await signInAt(world, account(uniqueEmail("oidc-token-down")));
      expect(params.get("error")).toBe("PROVIDER_ERROR");
    } finally {
      world.op.tokenEndpointDown = false;
    }
  });

  it("builds the callback URL from PUBLIC_URL, never from X-Forwarded-Host", async () => {
    const res = await fetch(`${world.server.url}/auth/oauth/idp/authorize`, {
      redirect: "manual",
      headers: { "x-forwarded-host": "evil.test", "x-forwarded-proto": "https" },
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.origin).toBe(world.op.issuer);
    expect(location.searchParams.get("redirect_uri")).toBe(
      `${world.server.url}/auth/oauth/idp/callback`,
    );
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("nonce")).toEqual(expect.any(String));
    const cookie = res.headers.getSetCookie().find((line) => line.startsWith("lk_oauth_state="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/auth\/oauth/);
  });

  it("tells a blocked user's provider sign-in ACCOUNT_BLOCKED", async () => {
    const who = account(uniqueEmail("oidc-blocked"));
    const made = await signInThroughProvider(world, who);
    await world.server.runtime.deps.stores.users.update(
      made.body.user.id,
      { status: "blocked" },
      world.server.clock(),
    );
    expect((await signInAt(world, who)).get("error")).toBe("ACCOUNT_BLOCKED");
  });
});
