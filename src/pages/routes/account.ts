import { changePassword, revokeSession } from "../../domain/account.js";
import { logout } from "../../domain/refresh.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import { ACCESS_COOKIE, clearSessionCookies, REFRESH_COOKIE } from "../../http/cookies.js";
import type { App } from "../../http/types.js";
import type { MessageKey } from "../../i18n/translate.js";
import { type SignedInAction, sendAccountPage, signedInPage } from "../account-page.js";
import { field, href, type PageEnv, pageContext } from "../context.js";
import { formErrors } from "../form-errors.js";
import { PAGE_ROUTE, redirect } from "../respond.js";

const NOTICES: Readonly<Record<string, MessageKey>> = {
  "password-changed": "notice.passwordChanged",
  "password-reset": "notice.passwordReset",
  "session-ended": "notice.sessionEnded",
};

export function registerAccountPageRoutes(app: App, env: PageEnv): void {
  const { deps } = env;
  const signedIn = (action: SignedInAction) => signedInPage(env, action);

  app.get(
    "/account",
    PAGE_ROUTE,
    signedIn(async (ctx, claims, request, reply) => {
      const key = field(request.query, "notice");
      const notice =
        NOTICES[key] ??
        env.accountSections.find((section) => section.notices?.[key])?.notices?.[key];
      // A method's own answer landed here (a provider's ?linked= or ?error=), in words.
      const landed = env.accountSections
        .map((section) => section.landing?.(ctx, request.query))
        .find((landing) => landing !== undefined);
      return sendAccountPage(env, ctx, reply, claims, {
        notice: notice ? ctx.t(notice) : landed?.notice,
        errors: landed?.error ? [{ message: landed.error }] : [],
      });
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
        return sendAccountPage(env, ctx, reply, claims, { errors: formErrors(ctx, error), error });
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
        return sendAccountPage(env, ctx, reply, claims, { errors: formErrors(ctx, error), error });
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
