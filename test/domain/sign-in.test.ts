import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { SignInGate } from "../../src/domain/deps.js";
import { login } from "../../src/methods/password/login.js";
import { memoryDeps, NOW, userWith } from "./memory-deps.js";

const CLIENT = { ip: "203.0.113.7", userAgent: "rules" };
const PASSWORD = "correct horse battery staple";

function signedUp(user = userWith({}), options: Parameters<typeof memoryDeps>[0] = {}) {
  const memory = memoryDeps(options);
  memory.users.push(user);
  return { ...memory, user };
}

describe("the sign-in pipeline, on in-memory ports", () => {
  it("a password login issues one session at aal1 with amr pwd, signed with every claim", async () => {
    const { deps, user, sessions, audit } = signedUp();
    const result = await login(deps, { email: user.email, password: PASSWORD }, CLIENT);

    const session = result.session;
    if (!session) throw new Error("expected a session");
    expect(session).toMatchObject({ aal: "aal1", amr: ["pwd"], tokenType: "Bearer" });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      userId: user.id,
      assurance: { aal: "aal1", amr: ["pwd"] },
      ip: CLIENT.ip,
      userAgent: CLIENT.userAgent,
    });
    const claims = decodeJwt(session.accessToken);
    expect(Object.keys(claims).sort()).toEqual(
      [
        "aal",
        "amr",
        "aud",
        "client_id",
        "email",
        "exp",
        "iat",
        "iss",
        "jti",
        "role",
        "sid",
        "sub",
      ].sort(),
    );
    expect(claims).toMatchObject({
      sub: user.id,
      sid: sessions[0]?.familyId,
      aal: "aal1",
      amr: ["pwd"],
      role: "user",
      email: user.email,
      client_id: "latchkey",
      iss: "http://latchkey.test",
      iat: NOW.getTime() / 1000,
    });
    expect(await deps.tokens.verify(session.accessToken, NOW.getTime() / 1000)).toMatchObject({
      sub: user.id,
      aal: "aal1",
    });
    expect(audit.map((event) => [event.type, event.outcome])).toEqual([
      ["login.success", "success"],
    ]);
  });

  it("a gate that asks for a second factor gets the proofs, and no session is issued", async () => {
    const seen: unknown[] = [];
    const gate: SignInGate = async (_deps, user, proofs) => {
      seen.push({ userId: user.id, proofs });
      return { mfaToken: "mfa-token", methods: ["totp"], expiresIn: 300 };
    };
    const { deps, user, sessions, audit } = signedUp(userWith({}), { gates: [gate] });
    const result = await login(deps, { email: user.email, password: PASSWORD }, CLIENT);

    expect(result).toEqual({
      challenge: { mfaToken: "mfa-token", methods: ["totp"], expiresIn: 300 },
    });
    expect(seen).toEqual([{ userId: user.id, proofs: [{ method: "pwd" }] }]);
    expect(sessions).toEqual([]);
    expect(audit.map((event) => event.type)).not.toContain("login.success");
  });

  it("a gate that answers null lets the session through", async () => {
    const { deps, user, sessions } = signedUp(userWith({}), { gates: [async () => null] });
    const result = await login(deps, { email: user.email, password: PASSWORD }, CLIENT);
    expect(result.session?.aal).toBe("aal1");
    expect(sessions).toHaveLength(1);
  });
});

describe("status gates of a password sign-in", () => {
  it("a blocked user with the right password: ACCOUNT_BLOCKED, no session", async () => {
    const { deps, user, sessions, audit } = signedUp(userWith({ status: "blocked" }));
    await expect(
      login(deps, { email: user.email, password: PASSWORD }, CLIENT),
    ).rejects.toMatchObject({
      code: "ACCOUNT_BLOCKED",
      status: 403,
    });
    expect(sessions).toEqual([]);
    expect(audit.at(-1)).toMatchObject({
      type: "login.failure",
      details: { reason: "account_blocked" },
    });
  });

  it("a blocked user with a wrong password learns nothing of the status: INVALID_CREDENTIALS", async () => {
    const { deps, user } = signedUp(userWith({ status: "blocked" }));
    await expect(
      login(deps, { email: user.email, password: "not the password" }, CLIENT),
    ).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
      status: 401,
    });
  });

  it("a pending user while verification is required: EMAIL_NOT_VERIFIED", async () => {
    const { deps, user, sessions } = signedUp(
      userWith({ status: "pending", emailVerifiedAt: null }),
    );
    await expect(
      login(deps, { email: user.email, password: PASSWORD }, CLIENT),
    ).rejects.toMatchObject({
      code: "EMAIL_NOT_VERIFIED",
    });
    expect(sessions).toEqual([]);
  });

  it("a pending user when verification is off signs in", async () => {
    const { deps, user } = signedUp(userWith({ status: "pending", emailVerifiedAt: null }), {
      env: { REQUIRE_EMAIL_VERIFICATION: "false" },
    });
    const result = await login(deps, { email: user.email, password: PASSWORD }, CLIENT);
    expect(result.session?.user).toMatchObject({ id: user.id, status: "pending" });
  });

  it("an unknown email: INVALID_CREDENTIALS, audited without a user", async () => {
    const { deps, audit } = signedUp();
    await expect(
      login(deps, { email: "nobody@example.test", password: PASSWORD }, CLIENT),
    ).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    expect(audit).toEqual([
      expect.objectContaining({
        type: "login.failure",
        userId: null,
        details: { reason: "unknown_email" },
      }),
    ]);
  });
});
