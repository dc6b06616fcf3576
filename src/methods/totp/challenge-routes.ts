import type { FastifyRequest } from "fastify";
import { clientContext } from "../../http/client-context.js";
import { clearMfaCookie, MFA_API_PATH, MFA_COOKIE } from "../../http/cookies.js";
import { ErrorBody, ok } from "../../http/envelope.js";
import { tokenReply } from "../../http/token-reply.js";
import { TokenReply } from "../../http/token-schemas.js";
import type { App, AppDeps } from "../../http/types.js";
import { MfaTokenBody, OptionsReply, VerifyBody } from "./schemas.js";
import { liveChallenge, verifySecondFactor } from "./verify.js";

const TAGS = ["second factors"];

/** The body's mfaToken, else the lk_mfa cookie a browser client was given with the challenge. */
function mfaTokenOf(request: FastifyRequest<{ Body: { mfaToken?: string | undefined } }>) {
  return request.body.mfaToken ?? request.cookies[MFA_COOKIE];
}

/**
 * The second step of a sign-in that asked for a second factor, for every factor of every
 * method: POST /auth/mfa/verify, and the options a factor needs first (a passkey's).
 */
export function registerChallengeRoutes(app: App, deps: AppDeps): void {
  app.post(
    "/auth/mfa/verify",
    {
      schema: {
        tags: TAGS,
        summary:
          "Finish a sign-in that asked for a second factor: a TOTP, a passkey or a recovery code",
        body: VerifyBody,
        response: { 200: TokenReply, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const input = { ...request.body, mfaToken: mfaTokenOf(request) };
      const tokens = await verifySecondFactor(deps, input, clientContext(request));
      clearMfaCookie(reply, deps.config, MFA_API_PATH);
      return tokenReply(reply, deps.config, tokens, "Signed in.");
    },
  );

  for (const factor of deps.secondFactors) {
    const options = factor.options;
    if (!options) continue;
    app.post(
      `/auth/mfa/${factor.method}/options`,
      {
        schema: {
          tags: TAGS,
          summary: `What the client needs to answer a second-factor challenge with a ${factor.method}`,
          body: MfaTokenBody,
          response: { 200: OptionsReply, 401: ErrorBody },
        },
      },
      async (request) => {
        const { userId } = await liveChallenge(deps, mfaTokenOf(request));
        return ok("Options.", await options.call(factor, deps, userId));
      },
    );
  }
}
