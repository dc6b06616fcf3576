import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { hashCode } from "../../src/crypto/digest.js";
import { type CapturedMail, extractCode, extractLink } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { expectError, expectFieldError, PASSWORD, uniqueEmail } from "./support.js";

const APP_URL = "https://app.example.com";
const LINK_PREFIX = `${APP_URL}/password/reset/`;

const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describeEachStore("POST /auth/forgot-password", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store,
      env: { APP_URL, REQUIRE_EMAIL_VERIFICATION: "false" },
    });
  });
  afterAll(() => server?.close());

  /** An active user; registration with verification off answers with tokens at once. */
  async function createUser(tag: string): Promise<{ email: string; userId: string }> {
    const email = uniqueEmail(tag);
    const res = await server.post("/auth/register", { email, password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { email, userId: res.body.userId };
  }

  /** Deferred forgot-password work has run and every queued mail has been delivered. */
  async function settle(): Promise<void> {
    await server.runtime.background.flush();
    await server.runtime.mail.flush();
  }

  function resetMailsTo(email: string): CapturedMail[] {
    return server.smtp.mails.filter((m) => m.to.includes(email) && /reset/i.test(m.subject));
  }

  function resetRow(userId: string) {
    return server.runtime.database.db
      .selectFrom("verification_codes")
      .selectAll()
      .where("user_id", "=", userId)
      .where("purpose", "=", "reset")
      .executeTakeFirstOrThrow();
  }

  function tokenOf(mail: CapturedMail): string {
    return extractLink(mail, LINK_PREFIX).slice(LINK_PREFIX.length);
  }

  it("link (default): mails APP_URL/password/reset/<256-bit token>, stored only as its SHA-256", async () => {
    const { email, userId } = await createUser("link");
    const res = await server.post("/auth/forgot-password", { email });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.success).toBe(true);
    expect(typeof res.body.message).toBe("string");

    await settle();
    const mails = resetMailsTo(email);
    expect(mails).toHaveLength(1);
    const link = extractLink(mails[0]!, LINK_PREFIX);
    expect(link).toMatch(/^https:\/\/app\.example\.com\/password\/reset\/[A-Za-z0-9_-]{43,}$/);
    const token = tokenOf(mails[0]!);
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(32);

    const row = await resetRow(userId);
    expect(row.kind).toBe("link");
    expect(row.secret_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(15 * 60 * 1000);
  });

  it("method code: mails 6 digits, stored hashed (bound to user and purpose), never in clear", async () => {
    const { email, userId } = await createUser("code");
    const res = await server.post("/auth/forgot-password", { email, method: "code" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    await settle();
    const mails = resetMailsTo(email);
    expect(mails).toHaveLength(1);
    const code = extractCode(mails[0]!);
    expect(code).toMatch(/^\d{6}$/);
    expect(mails[0]!.subject).not.toContain(code);
    expect(mails[0]!.text).not.toContain(LINK_PREFIX);

    const row = await resetRow(userId);
    expect(row.kind).toBe("code");
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).toBe(hashCode(userId, "reset", code));
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(10 * 60 * 1000);
  });

  it("an unknown email: the same 202 and the identical body as a known one, and no mail", async () => {
    const { email } = await createUser("known");
    const unknown = uniqueEmail("nobody");
    const known = await server.post("/auth/forgot-password", { email });
    const other = await server.post("/auth/forgot-password", { email: unknown });
    expect(known.status).toBe(202);
    expect(other.status).toBe(202);
    expect(other.body).toEqual(known.body);
    expect(other.headers.get("content-type")).toBe(known.headers.get("content-type"));
    expect(other.headers.get("content-length")).toBe(known.headers.get("content-length"));

    await settle();
    expect(resetMailsTo(email)).toHaveLength(1);
    expect(server.smtp.mails.filter((m) => m.to.includes(unknown))).toHaveLength(0);
  });

  it("a malformed email: 400 VALIDATION_FAILED naming email", async () => {
    expectFieldError(
      await server.post("/auth/forgot-password", { email: "not an email" }),
      "email",
    );
    expectFieldError(await server.post("/auth/forgot-password", { email: "" }), "email");
    expectFieldError(await server.post("/auth/forgot-password", {}), "email");
  });

  it("a blocked user: 202 as usual, and no mail", async () => {
    const { email, userId } = await createUser("blocked");
    await server.runtime.deps.stores.users.update(userId, { status: "blocked" }, server.clock());
    const res = await server.post("/auth/forgot-password", { email });
    expect(res.status).toBe(202);
    await settle();
    expect(resetMailsTo(email)).toHaveLength(0);
    expect(await server.runtime.deps.stores.codes.find(userId, "reset")).toBeNull();
  });

  it("inside RESEND_COOLDOWN nothing new is sent; after it a new link replaces the old one", async () => {
    const { email } = await createUser("cooldown");
    expect((await server.post("/auth/forgot-password", { email })).status).toBe(202);
    await settle();
    expect(resetMailsTo(email)).toHaveLength(1);
    const oldToken = tokenOf(resetMailsTo(email)[0]!);

    server.clock.advance(30);
    expect((await server.post("/auth/forgot-password", { email })).status).toBe(202);
    expect((await server.post("/auth/forgot-password", { email, method: "code" })).status).toBe(
      202,
    );
    await settle();
    expect(resetMailsTo(email)).toHaveLength(1);

    server.clock.advance(31);
    expect((await server.post("/auth/forgot-password", { email })).status).toBe(202);
    await settle();
    const mails = resetMailsTo(email);
    expect(mails).toHaveLength(2);
    const newToken = tokenOf(mails[1]!);
    expect(newToken).not.toBe(oldToken);

    // One live secret per (user, purpose): the old link is dead, the new one works.
    expectError(
      await server.post("/auth/reset-password", { token: oldToken, password: "a new password 1" }),
      400,
      "INVALID_TOKEN",
    );
    const ok = await server.post("/auth/reset-password", {
      token: newToken,
      password: "a new password 2",
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it("a forged Host and X-Forwarded-Host still yield a link on APP_URL", async () => {
    const { email } = await createUser("host");
    const body = JSON.stringify({ email });
    const url = new URL(server.url);
    // node:http, because fetch may refuse or rewrite a Host header.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: "/auth/forgot-password",
          headers: {
            host: "evil.example",
            "x-forwarded-host": "evil.example",
            "x-forwarded-proto": "http",
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(202);
    await settle();
    const [mail] = resetMailsTo(email);
    expect(mail).toBeDefined();
    expect(mail!.text).not.toContain("evil.example");
    expect(mail!.html).not.toContain("evil.example");
    expect(extractLink(mail!, LINK_PREFIX)).toMatch(/^https:\/\/app\.example\.com\/password\//);
  });

  it("the reset mail has text and html parts, says how long it is valid and what to do if unasked", async () => {
    const { email } = await createUser("mail");
    await server.post("/auth/forgot-password", { email });
    const mail = await server.smtp.waitForMail(
      (m) => m.to.includes(email) && /reset/i.test(m.subject),
    );
    const token = tokenOf(mail);
    expect(mail.raw).toMatch(/multipart\/alternative/i);
    expect(mail.raw).toMatch(/text\/plain/i);
    expect(mail.raw).toMatch(/text\/html/i);
    for (const part of [mail.text, mail.html]) {
      expect(part.length).toBeGreaterThan(0);
      expect(part).toContain(token);
      expect(part).toMatch(/15 minutes/);
      expect(part).toMatch(/did not ask/i);
    }
    expect(mail.html).toContain(`href="${LINK_PREFIX}${token}"`);
    expect(mail.subject).not.toContain(token);
  });

  it('method "sms": 400 VALIDATION_FAILED', async () => {
    const { email } = await createUser("sms");
    expectError(
      await server.post("/auth/forgot-password", { email, method: "sms" }),
      400,
      "VALIDATION_FAILED",
    );
    await settle();
    expect(resetMailsTo(email)).toHaveLength(0);
  });
});
