import type { SecondFactorMethod } from "../../domain/vocabulary.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import { setSessionCookies } from "../../http/cookies.js";
import type { App } from "../../http/types.js";
import { field, href, type PageEnv, pageContext } from "../../pages/context.js";
import { formErrors } from "../../pages/form-errors.js";
import {
  MFA_COOKIE,
  PAGE_ROUTE,
  redirect,
  SECOND_FACTOR_PAGE,
  sendHtml,
  sendRefused,
} from "../../pages/respond.js";
import { registerAccountMfaPages } from "./account-pages.js";
import { secondFactorPage } from "./second-factor-page.js";
import { verifySecondFactor } from "./verify.js";

/**
 * The sign-in's second step on the hosted pages, reached with the mfaToken's cookie, and
 * the forms of the method's /account section.
 */
export function registerSecondFactorPages(app: App, env: PageEnv): void {
  const { deps } = env;
  registerAccountMfaPages(app, env);
  const methodOf = (source: unknown): SecondFactorMethod =>
    field(source, "method") === "recovery_code" ? "recovery_code" : "totp";

  app.get(SECOND_FACTOR_PAGE, PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    if (!request.cookies[MFA_COOKIE]) return redirect(reply, href(ctx, "/sign-in"));
    return sendHtml(reply, secondFactorPage(ctx, { method: methodOf(request.query), errors: [] }));
  });

  app.post(SECOND_FACTOR_PAGE, PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const method = methodOf(request.body);
    try {
      const tokens = await verifySecondFactor(
        deps,
        { mfaToken: request.cookies[MFA_COOKIE], method, code: field(request.body, "code") },
        clientContext(request),
      );
      reply.clearCookie(MFA_COOKIE, { path: SECOND_FACTOR_PAGE });
      setSessionCookies(reply, deps.config, tokens);
      return redirect(reply, href(ctx, "/account"));
    } catch (error) {
      if (error instanceof AuthError && error.code === "INVALID_MFA_TOKEN") {
        reply.clearCookie(MFA_COOKIE, { path: SECOND_FACTOR_PAGE });
      }
      const errors =
        error instanceof AuthError && error.code === "INVALID_CODE"
          ? [{ field: "code", message: ctx.t("mfa.wrongCode") }]
          : formErrors(ctx, error);
      return sendRefused(reply, error, secondFactorPage(ctx, { method, errors }));
    }
  });
}
