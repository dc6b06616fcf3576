import { resendVerificationCode, verifyEmail } from "../../domain/email-verification.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import type { App } from "../../http/types.js";
import { field, href, type PageEnv, pageContext } from "../context.js";
import { formErrors } from "../form-errors.js";
import { PAGE_ROUTE, redirect, sendHtml, sendRefused } from "../respond.js";
import { verifyEmailPage } from "../templates/verify-email.js";

export function registerVerifyEmailRoutes(app: App, env: PageEnv): void {
  const { deps } = env;

  // Only draws the form, prefilled from the mail's link: opening the link (a person, or
  // a mail scanner) verifies nothing until the form is sent.
  app.get("/verify-email", PAGE_ROUTE, async (request, reply) => {
    const query = request.query;
    return sendHtml(
      reply,
      verifyEmailPage(pageContext(request, env), {
        email: field(query, "email").trim(),
        userId: field(query, "id"),
        code: field(query, "code").replace(/\D/g, "").slice(0, 6),
        errors: [],
      }),
    );
  });

  app.post("/verify-email", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const email = field(request.body, "email").trim();
    const userId = field(request.body, "id");
    const code = field(request.body, "code").trim();
    try {
      await verifyEmail(
        deps,
        userId ? { code, userId } : { code, email: email || undefined },
        clientContext(request),
      );
      return redirect(reply, href(ctx, "/sign-in", { notice: "verified" }));
    } catch (error) {
      const errors = formErrors(ctx, error, { rename: { userId: "email" } });
      if (error instanceof AuthError && error.code === "ALREADY_VERIFIED" && errors[0]) {
        errors[0].action = { href: href(ctx, "/sign-in"), label: ctx.t("signUp.signIn") };
      }
      return sendRefused(reply, error, verifyEmailPage(ctx, { email, userId, code, errors }));
    }
  });

  // Answers the same whatever the email, like the API's resend.
  app.post("/verify-email/resend", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const email = field(request.body, "email").trim();
    try {
      await resendVerificationCode(deps, email, clientContext(request));
      return sendHtml(
        reply,
        verifyEmailPage(ctx, {
          email,
          userId: "",
          code: "",
          errors: [],
          notice: ctx.t("verify.resent"),
        }),
      );
    } catch (error) {
      const errors = formErrors(ctx, error);
      return sendRefused(
        reply,
        error,
        verifyEmailPage(ctx, { email, userId: "", code: "", errors }),
      );
    }
  });
}
