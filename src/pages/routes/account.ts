import type { FastifyReply, FastifyRequest } from "fastify";
import type { AccessClaims } from "../../crypto/access-tokens.js";
import {
  changePassword,
  getCurrentUser,
  listSessions,
  revokeSession,
} from "../../domain/account.js";
import { logout } from "../../domain/refresh.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import { ACCESS_COOKIE, clearSessionCookies, REFRESH_COOKIE } from "../../http/cookies.js";
import type { App } from "../../http/types.js";
import type { MessageKey } from "../../i18n/translate.js";
import { field, href, type PageContext, type PageEnv, pageContext } from "../context.js";
import { codeMessage, formErrors } from "../form-errors.js";
import { PAGE_ROUTE, redirect, sendHtml, sendRefused, signedInClaims } from "../respond.js";
import { accountPage } from "../templates/account.js";
import type { FormError } from "../templates/form.js";
import { messagePage } from "../templates/message.js";

const NOTICES: Readonly<Record<string, MessageKey>> = {
  "password-changed": "notice.passwordChanged",
  "password-reset": "notice.passwordReset",
  "session-ended": "notice.sessionEnded",
};

export function registerAccountPageRoutes(app: App, env: PageEnv): void {
  const { deps } = env;

  /** The page, with a notice or with the errors of a refused form. */
  async function render(
    ctx: PageContext,
    reply: FastifyReply,
    claims: AccessClaims,
    extra: { notice?: string | undefined; errors?: FormError[]; error?: unknown } = {},
  ) {
    const user = await getCurrentUser(deps, claims);
    const sessions = await listSessions(deps, claims);
    const html = accountPage(ctx, {
      user,
      sessions,
      errors: extra.errors ?? [],
      notice: extra.notice,
    });
    return extra.error === undefined
      ? sendHtml(reply, html)
      : sendRefused(reply, extra.error, html);
  }

  /**
   * Runs `action` for the signed-in user. Without a live access token the person is sent
   * to sign in; a blocked account is told so, and its cookies are cleared.
   */
  function signedIn(
    action: (
      ctx: PageContext,
      claims: AccessClaims,
      request: FastifyRequest,
      reply: FastifyReply,
    ) => Promise<unknown>,
  ) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const ctx = pageContext(request, env);
      const claims = await signedInClaims(request, deps);
      if (!claims) return redirect(reply, href(ctx, "/sign-in", { notice: "sign-in-required" }));
      try {
        return await action(ctx, claims, request, reply);
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        if (error.code === "UNAUTHORIZED" || error.code === "ACCOUNT_BLOCKED") {
          clearSessionCookies(reply, deps.config);
        }
        if (error.code === "UNAUTHORIZED") {
          return redirect(reply, href(ctx, "/sign-in", { notice: "sign-in-required" }));
        }
        if (error.code !== "ACCOUNT_BLOCKED") throw error;
        const page = messagePage(ctx, {
          title: ctx.t("error.title"),
          paragraphs: [codeMessage(ctx, error)],
          actions: [{ href: href(ctx, "/sign-in"), label: ctx.t("error.back") }],
          alert: true,
        });
        return sendHtml(reply, page, error.status);
      }
    };
  }

  app.get(
    "/account",
    PAGE_ROUTE,
    signedIn(async (ctx, claims, request, reply) => {
      const notice = NOTICES[field(request.query, "notice")];
      return render(ctx, reply, claims, { notice: notice && ctx.t(notice) });
    }),
  );

  app.post(
    "/account/password",
    PAGE_ROUTE,
    signedIn(async (ctx, claims, request, reply) => {
      const currentPassword = field(request.body, "currentPassword");
      const newPassword = field(request.body, "newPassword");
      try {
        // The confirmation is the page's own field: the API takes the new password once.
        if (
          field(request.body, "confirmPassword").normalize("NFKC") !== newPassword.normalize("NFKC")
        ) {
          throw new AuthError("PASSWORD_MISMATCH", undefined, [
            { field: "confirmPassword", message: "Must match the new password." },
          ]);
        }
        await changePassword(
          deps,
          claims,
          { currentPassword, newPassword },
          clientContext(request),
        );
      } catch (error) {
        if (error instanceof AuthError && error.code === "ACCOUNT_BLOCKED") throw error;
        return render(ctx, reply, claims, { errors: formErrors(ctx, error), error });
      }
      return redirect(reply, href(ctx, "/account", { notice: "password-changed" }));
    }),
  );

  app.post(
    "/account/sessions/revoke",
    PAGE_ROUTE,
    signedIn(async (ctx, claims, request, reply) => {
      try {
        await revokeSession(deps, claims, field(request.body, "id"));
      } catch (error) {
        if (!(error instanceof AuthError) || error.code !== "NOT_FOUND") throw error;
        return render(ctx, reply, claims, { errors: formErrors(ctx, error), error });
      }
      return redirect(reply, href(ctx, "/account", { notice: "session-ended" }));
    }),
  );

  // Sign-out is under /auth, not /account: the refresh cookie (Path=/auth) reaches it, so the
  // session ends even when the short-lived access cookie has run out. Either cookie names
  // the session; both are cleared. Signed out already is fine: the cookies go all the same.
  app.post("/auth/sign-out", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    await logout(deps, request.cookies[REFRESH_COOKIE], request.cookies[ACCESS_COOKIE] ?? null);
    clearSessionCookies(reply, deps.config);
    return redirect(reply, href(ctx, "/sign-in", { notice: "signed-out" }));
  });
}
