import type { FastifyReply } from "fastify";
import type { AccessClaims } from "../../crypto/access-tokens.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import { setSessionCookies } from "../../http/cookies.js";
import type { App } from "../../http/types.js";
import { sendAccountPage, sendAccountRefusal, signedInPage } from "../../pages/account-page.js";
import { field, href, type PageContext, type PageEnv } from "../../pages/context.js";
import { PAGE_ROUTE, redirect, sendHtml, sendRefused } from "../../pages/respond.js";
import { MFA_PAGES } from "./account-section.js";
import { confirmTotpFactor, resumeTotpEnrolment, startTotpEnrolment } from "./enrol.js";
import { regenerateRecoveryCodes, removeSecondFactor } from "./manage.js";
import { recoveryCodesPage, setupPage } from "./setup-pages.js";

/**
 * The /account section's forms: add an authenticator (QR code, key, confirming code),
 * new recovery codes, remove one. The same domain functions as the API routes; a refusal
 * is drawn on /account, a wrong code on the set-up page again.
 */
export function registerAccountMfaPages(app: App, env: PageEnv): void {
  const { deps } = env;

  const refuse = (ctx: PageContext, reply: FastifyReply, claims: AccessClaims, error: unknown) =>
    sendAccountRefusal(env, ctx, reply, claims, error, { MFA_REQUIRED: ctx.t("mfa.stepUp") });

  app.post(
    MFA_PAGES.start,
    PAGE_ROUTE,
    signedInPage(env, async (ctx, claims, _request, reply) => {
      try {
        const enrolment = await startTotpEnrolment(deps, claims, null);
        return sendHtml(reply, setupPage(ctx, { enrolment, errors: [] }));
      } catch (error) {
        return refuse(ctx, reply, claims, error);
      }
    }),
  );

  app.post(
    MFA_PAGES.confirm,
    PAGE_ROUTE,
    signedInPage(env, async (ctx, claims, request, reply) => {
      const factorId = field(request.body, "factorId");
      try {
        const confirmed = await confirmTotpFactor(
          deps,
          claims,
          factorId,
          field(request.body, "code"),
          clientContext(request),
        );
        // Every session of the user ended, this one too: the new aal2 one takes its place.
        setSessionCookies(reply, deps.config, confirmed.tokens);
        if (!confirmed.recoveryCodes) {
          return redirect(reply, href(ctx, "/account", { notice: "mfa-added" }));
        }
        return sendHtml(
          reply,
          recoveryCodesPage(ctx, { codes: confirmed.recoveryCodes, added: true }),
        );
      } catch (error) {
        const code = error instanceof AuthError ? error.code : undefined;
        // A wrong code: the same key and QR code again, the app already set up still fits.
        const enrolment =
          code === "INVALID_CODE" ? await resumeTotpEnrolment(deps, claims, factorId) : null;
        if (enrolment) {
          const errors = [{ field: "code", message: ctx.t("mfa.wrongCode") }];
          return sendRefused(reply, error, setupPage(ctx, { enrolment, errors }));
        }
        // Confirmed already (the page sent again), or older than 15 minutes and gone.
        if (code === "INVALID_CODE" || code === "FACTOR_NOT_FOUND") {
          const errors = [{ message: ctx.t("mfa.setup.expired") }];
          const gone = new AuthError("FACTOR_NOT_FOUND");
          return sendAccountPage(env, ctx, reply, claims, { errors, error: gone });
        }
        return refuse(ctx, reply, claims, error);
      }
    }),
  );

  app.post(
    MFA_PAGES.recoveryCodes,
    PAGE_ROUTE,
    signedInPage(env, async (ctx, claims, _request, reply) => {
      try {
        const codes = await regenerateRecoveryCodes(deps, claims);
        return sendHtml(reply, recoveryCodesPage(ctx, { codes, added: false }));
      } catch (error) {
        return refuse(ctx, reply, claims, error);
      }
    }),
  );

  app.post(
    MFA_PAGES.remove,
    PAGE_ROUTE,
    signedInPage(env, async (ctx, claims, request, reply) => {
      try {
        await removeSecondFactor(deps, claims, field(request.body, "id"), clientContext(request));
      } catch (error) {
        return refuse(ctx, reply, claims, error);
      }
      return redirect(reply, href(ctx, "/account", { notice: "mfa-removed" }));
    }),
  );
}
