import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  expectFieldError,
  expectUser,
  loginOk,
  mailsTo,
  nthCodeTo,
  otherCode,
  registerActive,
  registerPending,
  settleMail,
  uniqueEmail,
} from "./support.js";

describeEachStore("POST /auth/verify-email", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  describe("the right code", () => {
    it("by userId: 200 {user}, the account becomes active and verified, the code is consumed", async () => {
      const { userId, code, email } = await registerPending(server, "by-id");
      expectError(
        await server.post("/auth/login", { email, password: "correct horse battery staple" }),
        403,
        "EMAIL_NOT_VERIFIED",
      );

      const res = await server.post("/auth/verify-email", { userId, code });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.success).toBe(true);
      expectUser(res.body.user);
      expect(res.body.user).toMatchObject({ id: userId, status: "active", emailVerified: true });

      const stored = await server.runtime.deps.stores.users.findById(userId);
      expect(stored?.status).toBe("active");
      expect(stored?.emailVerifiedAt?.getTime()).toBe(server.clock().getTime());
      expect(await server.runtime.deps.stores.codes.find(userId, "email")).toBeNull();
      await loginOk(server, email);
    });

    it("by the `id` alias", async () => {
      const { userId, code } = await registerPending(server, "by-alias");
      const res = await server.post("/auth/verify-email", { id: userId, code });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user.emailVerified).toBe(true);
    });

    it("by email, trimmed and in any case", async () => {
      const { email, code, userId } = await registerPending(server, "by-email");
      const res = await server.post("/auth/verify-email", {
        email: ` ${email.toUpperCase()} `,
        code,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user.id).toBe(userId);
    });

    it("twice: 409 ALREADY_VERIFIED", async () => {
      const { userId, code } = await registerActive(server, "twice");
      expectError(
        await server.post("/auth/verify-email", { userId, code }),
        409,
        "ALREADY_VERIFIED",
      );
    });
  });

  describe("a wrong, old or unknown code", () => {
    it("a wrong code: 400 INVALID_CODE, and the account stays pending", async () => {
      const { userId, code } = await registerPending(server, "wrong");
      expectError(
        await server.post("/auth/verify-email", { userId, code: otherCode(code) }),
        400,
        "INVALID_CODE",
      );
      const stored = await server.runtime.deps.stores.users.findById(userId);
      expect(stored?.status).toBe("pending");
      expect(stored?.emailVerifiedAt).toBeNull();
    });

    it("an unknown userId, a non-uuid id and an unknown email all answer 400 INVALID_CODE", async () => {
      const { code } = await registerPending(server, "unknown");
      const answers = [
        await server.post("/auth/verify-email", { userId: randomUUID(), code }),
        await server.post("/auth/verify-email", { id: "not-a-uuid", code }),
        await server.post("/auth/verify-email", { userId: "1 OR 1=1", code }),
        await server.post("/auth/verify-email", { email: uniqueEmail("nobody"), code }),
        await server.post("/auth/verify-email", { email: "not an email", code }),
      ];
      for (const res of answers) expectError(res, 400, "INVALID_CODE");
      // Unknown accounts look exactly like a wrong code.
      const bodies = new Set(answers.map((r) => JSON.stringify(r.body)));
      expect(bodies.size).toBe(1);
    });

    it("neither userId nor email, or a code that is not 6 digits: 400 VALIDATION_FAILED", async () => {
      const { userId } = await registerPending(server, "shape");
      expectFieldError(await server.post("/auth/verify-email", { code: "123456" }), "userId");
      for (const code of ["12345", "1234567", "12a456", " 123456", "１２３４５６"]) {
        expectFieldError(await server.post("/auth/verify-email", { userId, code }), "code");
      }
      expectFieldError(await server.post("/auth/verify-email", { userId, code: 123456 }), "code");
    });

    it("after EMAIL_CODE_TTL (10 min): 400 CODE_EXPIRED", async () => {
      const { userId, code } = await registerPending(server, "expired");
      server.clock.advance(10 * 60 + 1);
      expectError(await server.post("/auth/verify-email", { userId, code }), 400, "CODE_EXPIRED");
      expect((await server.runtime.deps.stores.users.findById(userId))?.status).toBe("pending");
    });

    // Issue 13 item 11: by email, an expired code answers as an unknown email does.
    it("after EMAIL_CODE_TTL, by email: 400 INVALID_CODE, the answer of an unknown email", async () => {
      const { email, code } = await registerPending(server, "expired-by-email");
      server.clock.advance(10 * 60 + 1);
      const known = await server.post("/auth/verify-email", { email, code });
      const unknown = await server.post("/auth/verify-email", {
        email: `nobody-${email}`,
        code,
      });
      expectError(known, 400, "INVALID_CODE");
      expect(known.body).toEqual(unknown.body);
    });

    it("CODE_MAX_ATTEMPTS (5) wrong tries burn the code: 429 TOO_MANY_ATTEMPTS, even for the right code", async () => {
      const { userId, code, email } = await registerPending(server, "burned");
      const wrong = otherCode(code);
      for (let i = 1; i <= 4; i++) {
        expectError(
          await server.post("/auth/verify-email", { userId, code: wrong }),
          400,
          "INVALID_CODE",
        );
      }
      const fifth = await server.post("/auth/verify-email", { userId, code: wrong });
      expectError(fifth, 429, "TOO_MANY_ATTEMPTS");
      expectError(
        await server.post("/auth/verify-email", { userId, code }),
        429,
        "TOO_MANY_ATTEMPTS",
      );
      expectError(
        await server.post("/auth/verify-email", { email, code }),
        429,
        "TOO_MANY_ATTEMPTS",
      );
      expect((await server.runtime.deps.stores.users.findById(userId))?.status).toBe("pending");

      // Once the burned code has expired, a resent code starts a fresh count.
      server.clock.advance(10 * 60 + 1);
      expect((await server.post("/auth/verify-email/resend", { email })).status).toBe(202);
      const fresh = await nthCodeTo(server, email, 2);
      const ok = await server.post("/auth/verify-email", { userId, code: fresh });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    });
  });
});

describeEachStore("POST /auth/verify-email/resend", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it("answers 202 with the same body for unknown, verified and pending emails", async () => {
    const pending = await registerPending(server, "resend-pending");
    const verified = await registerActive(server, "resend-verified");
    const unknown = uniqueEmail("resend-unknown");
    server.clock.advance(61);

    const answers = [];
    for (const email of [unknown, verified.email, pending.email]) {
      const res = await server.post("/auth/verify-email/resend", { email });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.success).toBe(true);
      answers.push(res);
    }
    expect(answers[0]?.body).toEqual(answers[1]?.body);
    expect(answers[1]?.body).toEqual(answers[2]?.body);
    expect(Object.keys(answers[0]?.body).sort()).toEqual(["message", "success"]);

    await settleMail(server);
    expect(mailsTo(server, unknown)).toHaveLength(0);
    expect(mailsTo(server, verified.email)).toHaveLength(1);
    expect(mailsTo(server, pending.email)).toHaveLength(2);
  });

  it("inside RESEND_COOLDOWN sends nothing; after it, a new code that replaces the old one", async () => {
    const { email, userId, code: first } = await registerPending(server, "cooldown");

    const early = await server.post("/auth/verify-email/resend", { email: email.toUpperCase() });
    expect(early.status).toBe(202);
    server.clock.advance(59);
    expect((await server.post("/auth/verify-email/resend", { email })).status).toBe(202);
    await settleMail(server);
    expect(mailsTo(server, email)).toHaveLength(1);

    server.clock.advance(2);
    const late = await server.post("/auth/verify-email/resend", { email });
    expect(late.status).toBe(202);
    expect(late.body).toEqual(early.body);
    const second = await nthCodeTo(server, email, 2);
    expect(second).toMatch(/^\d{6}$/);

    if (second !== first) {
      expectError(
        await server.post("/auth/verify-email", { userId, code: first }),
        400,
        "INVALID_CODE",
      );
    }
    const ok = await server.post("/auth/verify-email", { userId, code: second });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it("a blocked pending account gets nothing", async () => {
    const { email, userId } = await registerPending(server, "resend-blocked");
    await server.runtime.deps.stores.users.update(userId, { status: "blocked" }, server.clock());
    server.clock.advance(61);
    expect((await server.post("/auth/verify-email/resend", { email })).status).toBe(202);
    await settleMail(server);
    expect(mailsTo(server, email)).toHaveLength(1);
  });

  it("a malformed email is 400 VALIDATION_FAILED naming the field", async () => {
    expectFieldError(
      await server.post("/auth/verify-email/resend", { email: "no-at-sign" }),
      "email",
    );
  });
});
