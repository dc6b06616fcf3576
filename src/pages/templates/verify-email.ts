import type { PageContext } from "../context.js";
import { escapeHtml, type Html } from "../html.js";
import {
  codeInput,
  emailInput,
  errorSummary,
  type FormError,
  form,
  hidden,
  input,
  notice,
} from "./form.js";
import { renderLayout } from "./layout.js";

export interface VerifyView {
  email: string;
  /** From a link that names the user by id instead of email. */
  userId: string;
  code: string;
  errors: readonly FormError[];
  notice?: string | undefined;
}

export function verifyEmailPage(ctx: PageContext, view: VerifyView): Html {
  const { t } = ctx;
  const intro = view.email ? t("verify.introEmail", { email: view.email }) : t("verify.intro");
  const emailField = view.userId
    ? hidden("id", view.userId)
    : emailInput(ctx, view.email, view.errors);
  const codeField = codeInput(ctx, view.code, view.errors, t("field.codeHint"));
  const resendEmail = view.email
    ? hidden("email", view.email)
    : input(
        ctx,
        {
          name: "email",
          idPrefix: "resend",
          label: t("field.email"),
          type: "email",
          autocomplete: "email",
          inputmode: "email",
          required: true,
        },
        [],
      );
  const body = [
    notice(view.notice),
    errorSummary(ctx, view.errors),
    `<p>${escapeHtml(intro)}</p>`,
    form(ctx, {
      action: "/verify-email",
      body: `${emailField}\n${codeField}`,
      submit: t("verify.submit"),
    }),
    `<section class="more" aria-labelledby="resend-title">
<h2 id="resend-title">${escapeHtml(t("verify.resendTitle"))}</h2>
<p>${escapeHtml(t("verify.resendText"))}</p>
${form(ctx, { action: "/verify-email/resend", body: resendEmail, submit: t("verify.resendSubmit"), secondary: true })}
</section>`,
  ].join("\n");
  return renderLayout(ctx, { title: t("verify.title"), body });
}
