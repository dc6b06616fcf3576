import type { FastifyReply } from "fastify";
import type { SecondFactorMethod } from "../../domain/vocabulary.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import { setSessionCookies } from "../../http/cookies.js";
import type { App } from "../../http/types.js";
import { field, href, type PageContext, type PageEnv, pageContext } from "../../pages/context.js";
import { formErrors } from "../../pages/form-errors.js";
import {
  MFA_COOKIE,
  PAGE_ROUTE,
  redirect,
  SECOND_FACTOR_PAGE,
  sendHtml,
  sendRefused,
} from "../../pages/respond.js";
import type { FormError } from "../../pages/templates/form.js";
import { registerAccountMfaPages } from "./account-pages.js";
import { offeredMethods } from "./gate.js";
import { PASSKEY_OPTIONS_PAGE, secondFactorPage } from "./second-factor-page.js";
import { liveChallenge, verifySecondFactor } from "./verify.js";

/**
 * The sign-in's second step on the hosted pages, reached with the mfaToken's cookie, and
 * the forms of the method's /account section.
 */
export function registerSecondFactorPages(app: App, env: PageEnv): void {
  const { deps } = env;
  registerAccountMfaPages(app, env);

  /**
   * The challenge behind the page's cookie, and the ways its user can finish it; null for a
   * dead or missing token (any other failure, the database away, is answered as such).
   */
  const challengeOf = async (mfaToken: string | undefined) => {
    const challenge = await liveChallenge(deps, mfaToken).catch((error: unknown) => {
      if (error instanceof AuthError && error.code === "INVALID_MFA_TOKEN") return null;
      throw error;
    });
    if (!challenge) return null;
    return {
      ...challenge,
      offered: await offeredMethods(deps, challenge.userId, challenge.proofs),
    };
  };
  /** The method asked for, if offered; else the first offered one. */
  const chosen = (source: unknown, offered: readonly SecondFactorMethod[]): SecondFactorMethod => {
    const asked = field(source, "method");
    return offered.find((method) => method === asked) ?? offered[0] ?? "totp";
  };
  const leave = (reply: FastifyReply) =>
    reply.clearCookie(MFA_COOKIE, { path: SECOND_FACTOR_PAGE });

  app.get(SECOND_FACTOR_PAGE, PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const challenge = await challengeOf(request.cookies[MFA_COOKIE]);
    if (!challenge) {
      leave(reply);
      return redirect(reply, href(ctx, "/sign-in"));
    }
    const { offered } = challenge;
    const view = { method: chosen(request.query, offered), offered, errors: [] };
    return sendHtml(reply, secondFactorPage(ctx, view));
  });

  // The page's script asks here for a passkey's request options; the cookie names the user.
  app.post(PASSKEY_OPTIONS_PAGE, PAGE_ROUTE, async (request, reply) => {
    const factor = deps.secondFactors.find((f) => f.method === "passkey");
    const { userId } = await liveChallenge(deps, request.cookies[MFA_COOKIE]);
    if (!factor?.options) throw new AuthError("NOT_FOUND");
    return reply.header("cache-control", "no-store").send(await factor.options(deps, userId));
  });

  app.post(SECOND_FACTOR_PAGE, PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const mfaToken = request.cookies[MFA_COOKIE];
    const challenge = await challengeOf(mfaToken);
    const offered = challenge?.offered ?? [];
    const method = chosen(request.body, offered);
    try {
      const tokens = await verifySecondFactor(
        deps,
        {
          mfaToken,
          method,
          code: field(request.body, "code"),
          response: parsedJson(field(request.body, "response")),
        },
        clientContext(request),
      );
      leave(reply);
      setSessionCookies(reply, deps.config, tokens);
      return redirect(reply, href(ctx, "/account"));
    } catch (error) {
      if (error instanceof AuthError && error.code === "INVALID_MFA_TOKEN") leave(reply);
      return sendRefused(
        reply,
        error,
        secondFactorPage(ctx, { method, offered, errors: errorsOf(ctx, error) }),
      );
    }
  });
}

function errorsOf(ctx: PageContext, error: unknown): FormError[] {
  if (error instanceof AuthError && error.code === "INVALID_CODE") {
    return [{ field: "code", message: ctx.t("mfa.wrongCode") }];
  }
  if (error instanceof AuthError && error.code === "INVALID_PASSKEY") {
    return [{ field: "response", message: ctx.t("mfa.wrongPasskey") }];
  }
  return formErrors(ctx, error);
}

/** The passkey's answer, as the script put it in the form; anything else proves nothing. */
function parsedJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
