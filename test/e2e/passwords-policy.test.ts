import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractLink } from "../helpers/smtp-capture.js";
import { pglite } from "../helpers/stores.js";
import { type JsonResponse, startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectFieldError,
  loginOk,
  nthMailTo,
  PASSWORD,
  registerActive,
  uniqueEmail,
} from "./support.js";

// A server starts in about 2 s, but far slower on a loaded machine (PGlite compiles its WASM).
const START_TIMEOUT_MS = 90_000;

const APP_URL = "https://app.example.com";
const LINK_PREFIX = `${APP_URL}/password/reset/`;
const PASSPHRASE = "violet tractor sings under copper rain";
const NAME = "Bartholomew Quince";

/** 400 VALIDATION_FAILED whose first error is on `field` and says `why`. */
function expectRefused(res: JsonResponse, field: string, why: RegExp): void {
  expectFieldError(res, field);
  expect(res.body.errors[0].field).toBe(field);
  expect(res.body.errors[0].message).toMatch(why);
}

const TOO_COMMON = /too common/i;
const HAS_EMAIL = /must not contain your email/i;
const HAS_NAME = /must not contain your name/i;

/** The part before the @, with a few characters around it. */
const withLocalPart = (email: string) => `My ${email.split("@")[0]} secret!`;

describe("password policy over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { APP_URL } });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  const register = (password: string, extra: Record<string, string> = {}) =>
    server.post("/auth/register", { email: uniqueEmail("policy"), password, ...extra });

  describe("POST /auth/register", () => {
    for (const common of ["password123", "qwertyuiop", "iloveyou1"]) {
      it(`refuses the common password ${JSON.stringify(common)} with a field message`, async () => {
        expectRefused(await register(common), "password", TOO_COMMON);
      });
    }

    it("compares common passwords case-insensitively", async () => {
      expectRefused(await register("PassWord123"), "password", TOO_COMMON);
      expectRefused(await register("QWERTYUIOP"), "password", TOO_COMMON);
    });

    it("refuses a password containing the email's local part", async () => {
      const email = uniqueEmail("marguerite");
      const res = await server.post("/auth/register", { email, password: withLocalPart(email) });
      expectRefused(res, "password", HAS_EMAIL);
    });

    it("refuses a password containing the name, whole or one word of it", async () => {
      expectRefused(
        await register("bartholomew quince 1999", { name: NAME }),
        "password",
        HAS_NAME,
      );
      expectRefused(await register("xx-Bartholomew-xx", { name: NAME }), "password", HAS_NAME);
    });

    it("accepts a long random passphrase", async () => {
      const res = await register(PASSPHRASE, { name: NAME });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    });

    it("sends no code when the password is refused", async () => {
      const email = uniqueEmail("refused");
      expectRefused(
        await server.post("/auth/register", { email, password: "iloveyou1" }),
        "password",
        TOO_COMMON,
      );
      await server.runtime.mail.flush();
      expect(server.smtp.mails.filter((m) => m.to.includes(email))).toHaveLength(0);
    });
  });

  describe("POST /auth/reset-password", () => {
    it("refuses common and personal passwords, and the link stays usable", async () => {
      const { email } = await registerActive(server, "reset-policy", { name: NAME });
      expect((await server.post("/auth/forgot-password", { email })).status).toBe(202);
      const token = extractLink(await nthMailTo(server, email, 2), LINK_PREFIX).slice(
        LINK_PREFIX.length,
      );
      const reset = (password: string) => server.post("/auth/reset-password", { token, password });

      expectRefused(await reset("password123"), "password", TOO_COMMON);
      expectRefused(await reset("PassWord123"), "password", TOO_COMMON);
      expectRefused(await reset(withLocalPart(email)), "password", HAS_EMAIL);
      expectRefused(await reset("quince and more words"), "password", HAS_NAME);
      // newPassword is an alias and goes through the same rules.
      expectRefused(
        await server.post("/auth/reset-password", { token, newPassword: "qwertyuiop" }),
        "password",
        TOO_COMMON,
      );

      const ok = await reset(PASSPHRASE);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      await loginOk(server, email, PASSPHRASE);
    });
  });

  describe("POST /auth/change-password", () => {
    it("refuses common and personal new passwords on newPassword; the old one keeps working", async () => {
      const { email } = await registerActive(server, "change-policy", { name: NAME });
      const login = await loginOk(server, email);
      const auth = { authorization: `Bearer ${login.body.accessToken}` };
      const change = (newPassword: string) =>
        server.post("/auth/change-password", { currentPassword: PASSWORD, newPassword }, auth);

      expectRefused(await change("iloveyou1"), "newPassword", TOO_COMMON);
      expectRefused(await change("IloveYou1"), "newPassword", TOO_COMMON);
      expectRefused(await change(withLocalPart(email)), "newPassword", HAS_EMAIL);
      expectRefused(await change("Bartholomew's new password"), "newPassword", HAS_NAME);
      await loginOk(server, email, PASSWORD);

      const ok = await change(PASSPHRASE);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      await loginOk(server, email, PASSPHRASE);
    });
  });
});
