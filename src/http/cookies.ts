import type { FastifyReply } from "fastify";
import type { Config } from "../config/config.js";

export const ACCESS_COOKIE = "accessToken";
export const REFRESH_COOKIE = "refreshToken";
/** The refresh cookie goes only to the routes that take it. */
const REFRESH_PATH = "/auth";
/** Holds the mfaToken between a sign-in's two steps; never a session. */
export const MFA_COOKIE = "lk_mfa";
/** The API's routes that take an mfaToken (/auth/mfa/verify, a second factor's options). */
export const MFA_API_PATH = "/auth/mfa";

export function setSessionCookies(
  reply: FastifyReply,
  config: Config,
  tokens: {
    accessToken: string;
    refreshToken: string;
    expiresIn: number;
    refreshExpiresIn: number;
  },
): void {
  reply.setCookie(ACCESS_COOKIE, tokens.accessToken, {
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: "lax",
    path: "/",
    maxAge: tokens.expiresIn,
  });
  reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: "strict",
    path: REFRESH_PATH,
    maxAge: tokens.refreshExpiresIn,
  });
}

export function clearSessionCookies(reply: FastifyReply, config: Config): void {
  const common = { httpOnly: true, secure: config.cookieSecure } as const;
  reply.clearCookie(ACCESS_COOKIE, { ...common, sameSite: "lax", path: "/" });
  reply.clearCookie(REFRESH_COOKIE, { ...common, sameSite: "strict", path: REFRESH_PATH });
}

/**
 * The mfaToken of a sign-in that asked for a second factor, for a browser client: HttpOnly,
 * sent only to `path` (the second step's routes or page) and only as long as the token lives.
 */
export function setMfaCookie(
  reply: FastifyReply,
  config: Config,
  challenge: { mfaToken: string; expiresIn: number },
  path: string,
): void {
  reply.setCookie(MFA_COOKIE, challenge.mfaToken, {
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: "strict",
    path,
    maxAge: challenge.expiresIn,
  });
}

export function clearMfaCookie(reply: FastifyReply, config: Config, path: string): void {
  reply.clearCookie(MFA_COOKIE, {
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: "strict",
    path,
  });
}
