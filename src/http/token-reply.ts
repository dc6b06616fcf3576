import type { FastifyReply } from "fastify";
import type { Config } from "../config/config.js";
import type { TokenBundle } from "../domain/sessions.js";
import { setSessionCookies } from "./cookies.js";
import { ok } from "./envelope.js";

/** The API reference's token bundle, with its two cookies set on the reply. */
export function tokenBody(reply: FastifyReply, config: Config, tokens: TokenBundle) {
  setSessionCookies(reply, config, tokens);
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    token: tokens.accessToken,
    tokenType: tokens.tokenType,
    expiresIn: tokens.expiresIn,
    user: tokens.user,
    aal: tokens.aal,
    amr: tokens.amr,
  };
}

export function tokenReply(
  reply: FastifyReply,
  config: Config,
  tokens: TokenBundle,
  message: string,
) {
  return ok(message, tokenBody(reply, config, tokens));
}
