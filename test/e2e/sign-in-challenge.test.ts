import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignInGate } from "../../src/domain/deps.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  expectOnlyMfaCookie,
  expectTokenBundle,
  registerActive,
  resetWithMailedCode,
} from "./support.js";

const NEW_PASSWORD = "a brand new passphrase";

/**
 * The pipeline's second half over HTTP, before any second factor exists: a gate (here the
 * test's, standing in for issue 15's) turns every one-factor sign-in of a chosen user into
 * the contract's challenge, with no token and no cookie, whichever method proved them.
 */
describe("a sign-in step that must ask for more proof", () => {
  let server: TestServer;
  const asked: { email: string; methods: string[] }[] = [];
  const gate: SignInGate = async (_deps, user, proofs) => {
    if (!user.email.startsWith("gated-")) return null;
    asked.push({ email: user.email, methods: proofs.map((proof) => proof.method) });
    return { mfaToken: `mfa-for-${user.id}`, methods: ["totp", "recovery_code"], expiresIn: 300 };
  };
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, signInGates: [gate] });
  });
  afterAll(() => server?.close());

  function expectChallenge(res: Awaited<ReturnType<TestServer["post"]>>, userId: string) {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: expect.any(String),
      mfaRequired: true,
      mfaToken: `mfa-for-${userId}`,
      methods: ["totp", "recovery_code"],
      expiresIn: 300,
    });
    expectOnlyMfaCookie(res);
  }

  it("password login answers the challenge, not tokens; other users are not asked", async () => {
    const gated = await registerActive(server, "gated");
    expectChallenge(
      await server.post("/auth/login", { email: gated.email, password: gated.password }),
      gated.userId,
    );
    expect(asked.at(-1)).toEqual({ email: gated.email, methods: ["pwd"] });

    const free = await registerActive(server, "free");
    const res = await server.post("/auth/login", { email: free.email, password: free.password });
    expectTokenBundle(res);
    expect(res.body).toMatchObject({ aal: "aal1", amr: ["pwd"] });
  });

  it("a reset by code changes the password, then asks too (ASVS 5.0 6.4.3)", async () => {
    const gated = await registerActive(server, "gated-reset");
    const res = await resetWithMailedCode(server, gated.email, NEW_PASSWORD);
    expectChallenge(res, gated.userId);
    expect(asked.at(-1)).toEqual({ email: gated.email, methods: ["email"] });
    // The new password is the one that now gets as far as the challenge.
    expectError(
      await server.post("/auth/login", { email: gated.email, password: gated.password }),
      401,
      "INVALID_CREDENTIALS",
    );
    expectChallenge(
      await server.post("/auth/login", { email: gated.email, password: NEW_PASSWORD }),
      gated.userId,
    );
  });

  it("no session was stored for a challenged sign-in", async () => {
    const gated = await registerActive(server, "gated-none");
    await server.post("/auth/login", { email: gated.email, password: gated.password });
    const stored = await server.runtime.deps.stores.sessions.listLiveForUser(
      gated.userId,
      server.clock(),
    );
    expect(stored).toEqual([]);
  });
});
