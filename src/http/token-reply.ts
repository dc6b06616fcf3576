import type { FastifyReply } from "fastify";
import type { Config } from "../config/config.js";
import type { TokenBundle } from "../domain/sign-in/issue-session.js";
import type { SignInResult } from "../domain/sign-in/sign-in-step.js";
import { MFA_API_PATH, setMfaCookie, setSessionCookies } from "./cookies.js";
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

/**
 * The answer of a sign-in step: the token bundle with its cookies, or, when the user must
 * prove a second factor, the challenge alone: no token and no session cookie, only the
 * mfaToken's, which goes nowhere but the second step's routes.
 */
export function signInReply(
  reply: FastifyReply,
  config: Config,
  result: SignInResult,
  message: string,
) {
  if (result.challenge) {
    setMfaCookie(reply, config, result.challenge, MFA_API_PATH);
    return ok("Confirm it is you with your second factor.", {
      mfaRequired: true as const,
      ...result.challenge,
    });
  }
  return tokenReply(reply, config, result.session, message);
}
