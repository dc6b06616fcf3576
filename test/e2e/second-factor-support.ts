import { Secret } from "otpauth";
import { expect } from "vitest";
import { codeAt } from "../../src/methods/totp/totp.js";
import type { TestServer } from "../helpers/test-server.js";
import { call } from "./admin-support.js";

/** The user's authenticator app: its code at the server's clock, `steps` periods on. */
export function appCode(server: TestServer, secret: string, steps = 0): string {
  return codeAt(
    Secret.fromBase32(secret).bytes,
    new Date(server.clock().getTime() + steps * 30_000),
  );
}

/** Adds and confirms an authenticator app for the session's user: its secret and the answer. */
export async function enrolAuthenticator(server: TestServer, accessToken: string, name?: string) {
  const enrol = await call(server, "POST", "/auth/mfa/totp", accessToken, name ? { name } : {});
  expect(enrol.status, JSON.stringify(enrol.body)).toBe(201);
  const { factorId, secret } = enrol.body as { factorId: string; secret: string };
  const confirmed = await call(server, "POST", `/auth/mfa/totp/${factorId}/confirm`, accessToken, {
    code: appCode(server, secret),
  });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return { factorId, secret, confirmed: confirmed.body };
}
