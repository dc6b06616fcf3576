import { AuthError, type ErrorCode, errorCatalog } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import type { App } from "../../http/types.js";
import type { MessageKey } from "../../i18n/translate.js";
import { field, href, type PageEnv, pageContext } from "../../pages/context.js";
import { codeMessage, formErrors } from "../../pages/form-errors.js";
import {
  finishSignIn,
  PAGE_ROUTE,
  redirect,
  sendHtml,
  sendRefused,
  signedInClaims,
} from "../../pages/respond.js";
import { login } from "./login.js";
import { signInPage } from "./sign-in-page.js";

// ?notice= names one of these; anything else shows nothing (no text from the URL).
const NOTICES: Readonly<Record<string, MessageKey>> = {
  verified: "notice.verified",
  "signed-out": "notice.signedOut",
  "sign-in-required": "notice.signInRequired",
};

export function registerSignInPages(app: App, env: PageEnv): void {
  const { deps } = env;

  app.get("/sign-in", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    if (await signedInClaims(request, deps)) return redirect(reply, href(ctx, "/account"));
    const notice = NOTICES[field(request.query, "notice")];
    // Another way in that failed lands here with ?error=CODE (a provider's sign-in): its
    // message, if the code is one the API knows; nothing from the URL is shown as it is.
    const code = field(request.query, "error");
    const errors = errorCatalog().has(code)
      ? [{ message: codeMessage(ctx, new AuthError(code as ErrorCode)) }]
      : [];
    return sendHtml(
      reply,
      signInPage(ctx, {
        email: "",
        errors,
        notice: notice && ctx.t(notice),
        resume: notice === "notice.signInRequired",
        options: env.signInOptions,
      }),
    );
  });

  app.post("/sign-in", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const email = field(request.body, "email");
    try {
      const result = await login(
        deps,
        { email, password: field(request.body, "password") },
        clientContext(request),
      );
      return redirect(reply, finishSignIn(reply, ctx, result, href(ctx, "/account")));
    } catch (error) {
      const errors = formErrors(ctx, error);
      if (error instanceof AuthError && error.code === "EMAIL_NOT_VERIFIED" && errors[0]) {
        errors[0].action = {
          href: href(ctx, "/verify-email", { email: email.trim().toLowerCase() }),
          label: ctx.t("error.verifyNow"),
        };
      }
      const options = env.signInOptions;
      return sendRefused(reply, error, signInPage(ctx, { email, errors, options }));
    }
  });
}
