import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { type CapturedMail, extractCode } from "../helpers/smtp-capture.js";
import type { JsonResponse, TestServer } from "../helpers/test-server.js";

/** Shared steps of the end-to-end suites: real HTTP, real SMTP, nothing mocked. */

export const PASSWORD = "correct horse battery staple";

/** The API reference's user object, exactly: nothing more may leave the service. */
export const USER_FIELDS = [
  "createdAt",
  "email",
  "emailVerified",
  "id",
  "mfaEnabled",
  "name",
  "role",
  "status",
  "username",
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sequence = 0;

/** A fresh address per test: suites share one server and one database. */
export function uniqueEmail(tag: string): string {
  sequence += 1;
  return `${tag.toLowerCase()}-${sequence}-${randomBytes(3).toString("hex")}@latchkey.test`;
}

export function uniqueUsername(tag: string): string {
  sequence += 1;
  return `${tag}_${sequence}_${randomBytes(2).toString("hex")}`;
}

export function mailsTo(server: TestServer, email: string): CapturedMail[] {
  return server.smtp.mails.filter((m) => m.to.includes(email));
}

/** The n-th (1-based) mail delivered to this address, waiting for it if need be. */
export function nthMailTo(server: TestServer, email: string, n: number): Promise<CapturedMail> {
  return server.smtp.waitForMail(
    (m) => m.to.includes(email) && mailsTo(server, email).indexOf(m) === n - 1,
  );
}

export async function nthCodeTo(server: TestServer, email: string, n: number): Promise<string> {
  return extractCode(await nthMailTo(server, email, n));
}

/** Every mail the server has queued so far has reached the capture (or failed). */
export async function settleMail(server: TestServer): Promise<void> {
  await server.runtime.mail.flush();
}

/** A 6-digit code that is certainly not `code`. */
export function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

export interface Registered {
  email: string;
  password: string;
  userId: string;
  code: string;
}

/** Who calls and how: extra register fields (a password among them) and request headers. */
export interface SignUpOptions {
  extra?: Record<string, string>;
  headers?: RequestHeaders;
}

type RequestHeaders = Record<string, string> | undefined;

/** POST /auth/register for `email`, answered 201. */
export async function register(
  server: TestServer,
  email: string,
  { extra = {}, headers }: SignUpOptions = {},
): Promise<JsonResponse> {
  const res = await server.post("/auth/register", { email, password: PASSWORD, ...extra }, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res;
}

/** POST /auth/verify-email with the user's id and code, answered 200. */
export async function verifyEmail(
  server: TestServer,
  user: { userId: string; code: string },
  headers?: RequestHeaders,
): Promise<JsonResponse> {
  const res = await server.post(
    "/auth/verify-email",
    { userId: user.userId, code: user.code },
    headers,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

/** Registered, with the mailed code not yet used: a pending user. */
export async function registerPending(
  server: TestServer,
  tag: string,
  extra: Record<string, string> = {},
  headers?: RequestHeaders,
): Promise<Registered> {
  const email = uniqueEmail(tag);
  const res = await register(server, email, { extra, headers });
  const code = await nthCodeTo(server, email, 1);
  return { email, password: extra.password ?? PASSWORD, userId: res.body.userId, code };
}

/** Registered and verified through the API: an active user who can sign in. */
export async function registerActive(
  server: TestServer,
  tag: string,
  extra: Record<string, string> = {},
  headers?: RequestHeaders,
): Promise<Registered> {
  const user = await registerPending(server, tag, extra, headers);
  await verifyEmail(server, user, headers);
  return user;
}

/**
 * Registered where REQUIRE_EMAIL_VERIFICATION is off: the register answer is the first
 * session's token bundle.
 */
export async function registerUnverified(
  server: TestServer,
  tag: string,
): Promise<{ email: string; userId: string; res: JsonResponse }> {
  const email = uniqueEmail(tag);
  const res = await register(server, email);
  return { email, userId: res.body.userId, res };
}

export async function loginOk(server: TestServer, email: string, password = PASSWORD) {
  const res = await server.post("/auth/login", { email, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

/** An active user, registered and verified through the API, with a live session. */
export async function signedIn(server: TestServer, tag: string) {
  const user = await registerActive(server, tag);
  const res = await loginOk(server, user.email);
  return { ...user, res, accessToken: res.body.accessToken as string };
}

export function expectUser(user: unknown): void {
  expect(Object.keys(user as object).sort()).toEqual(USER_FIELDS);
  const { id, createdAt } = user as { id: string; createdAt: string };
  expect(id).toMatch(UUID);
  expect(new Date(createdAt).toISOString()).toBe(createdAt);
}

/**
 * the API reference's error envelope, and nothing in it that must never leave the service:
 * stack traces, SQL, password hashes.
 */
export function expectError(res: JsonResponse, status: number, code: string): void {
  const text = JSON.stringify(res.body);
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.body.success).toBe(false);
  expect(res.body.code).toBe(code);
  expect(typeof res.body.message).toBe("string");
  expect(res.body.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(res.body)) {
    expect(["success", "message", "code", "errors"]).toContain(key);
  }
  expect(text).not.toMatch(/stack|SELECT|INSERT|UPDATE |\$argon2|\$2[aby]\$|node_modules|\.ts:\d/);
  expect(res.headers.get("x-request-id")).toMatch(UUID);
}

/** VALIDATION_FAILED naming `field` among its errors. */
export function expectFieldError(res: JsonResponse, field: string): void {
  expectError(res, 400, "VALIDATION_FAILED");
  expect(Array.isArray(res.body.errors), JSON.stringify(res.body)).toBe(true);
  expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  for (const e of res.body.errors) expect(typeof e.message).toBe("string");
}

export interface SetCookie {
  value: string;
  /** Lower-cased attribute names; `true` for flags such as HttpOnly. */
  attributes: Map<string, string | true>;
}

export function setCookies(res: JsonResponse): Map<string, SetCookie> {
  const out = new Map<string, SetCookie>();
  for (const raw of res.headers.getSetCookie()) {
    const [pair = "", ...parts] = raw.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const attributes = new Map<string, string | true>();
    for (const part of parts) {
      const i = part.indexOf("=");
      attributes.set(
        (i < 0 ? part : part.slice(0, i)).toLowerCase(),
        i < 0 ? true : part.slice(i + 1),
      );
    }
    out.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes });
  }
  return out;
}

/** The two session cookies of the API reference's token bundle, with their flags. */
export function expectSessionCookies(res: JsonResponse, secure: boolean): void {
  const cookies = setCookies(res);
  const access = cookies.get("accessToken");
  const refresh = cookies.get("refreshToken");
  expect(access?.value).toBe(res.body.accessToken);
  expect(refresh?.value).toBe(res.body.refreshToken);
  expect(access?.attributes.get("httponly")).toBe(true);
  expect(access?.attributes.get("samesite")).toBe("Lax");
  expect(access?.attributes.get("path")).toBe("/");
  expect(refresh?.attributes.get("httponly")).toBe(true);
  expect(refresh?.attributes.get("samesite")).toBe("Strict");
  expect(refresh?.attributes.get("path")).toBe("/auth");
  expect(access?.attributes.has("secure")).toBe(secure);
  expect(refresh?.attributes.has("secure")).toBe(secure);
}

/**
 * A sign-in that asked for a second factor: no session cookie, only the mfaToken's, HttpOnly
 * and sent nowhere but the second step's routes, for as long as the token lives.
 */
export function expectOnlyMfaCookie(res: JsonResponse): void {
  const cookies = setCookies(res);
  expect([...cookies.keys()]).toEqual(["lk_mfa"]);
  const mfa = cookies.get("lk_mfa");
  expect(mfa?.value).toBe(res.body.mfaToken);
  expect(mfa?.attributes.get("httponly")).toBe(true);
  expect(mfa?.attributes.get("samesite")).toBe("Strict");
  expect(mfa?.attributes.get("path")).toBe("/auth/mfa");
  expect(mfa?.attributes.get("max-age")).toBe(String(res.body.expiresIn));
}

/** The API reference's token bundle, answered as personal (no-store) data. */
export function expectTokenBundle(res: JsonResponse, expiresIn = 900): void {
  expect(res.body.success).toBe(true);
  expect(typeof res.body.message).toBe("string");
  expect(res.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(typeof res.body.refreshToken).toBe("string");
  expect(res.body.refreshToken.length).toBeGreaterThanOrEqual(43);
  expect(res.body.token).toBe(res.body.accessToken);
  expect(res.body.tokenType).toBe("Bearer");
  expect(res.body.expiresIn).toBe(expiresIn);
  expectUser(res.body.user);
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(JSON.stringify(res.body)).not.toContain("$argon2");
}

/** Forgot-password by code, then the reset with that code: the reset's answer. */
export async function resetWithMailedCode(
  server: TestServer,
  email: string,
  password: string,
): Promise<JsonResponse> {
  const seen = new Set(server.smtp.mails);
  const mail = server.smtp.waitForMail(
    (m) => !seen.has(m) && m.to.includes(email) && /reset/i.test(m.subject),
  );
  const forgot = await server.post("/auth/forgot-password", { email, method: "code" });
  expect(forgot.status).toBe(202);
  return server.post("/auth/reset-password", { email, code: extractCode(await mail), password });
}
