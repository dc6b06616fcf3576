import type { FastifyReply } from "fastify";
import type { Config } from "../config/config.js";

export const ACCESS_COOKIE = "accessToken";
export const REFRESH_COOKIE = "refreshToken";
/** The refresh cookie goes only to the routes that take it. */
const REFRESH_PATH = "/auth";

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
