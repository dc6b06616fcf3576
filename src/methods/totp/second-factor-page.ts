import type { SecondFactorMethod } from "../../domain/vocabulary.js";
import { href, type PageContext } from "../../pages/context.js";
import type { Html } from "../../pages/html.js";
import { SECOND_FACTOR_PAGE } from "../../pages/respond.js";
import {
  aside,
  codeInput,
  errorSummary,
  type FormError,
  form,
  hidden,
  input,
} from "../../pages/templates/form.js";
import { renderLayout } from "../../pages/templates/layout.js";

export interface SecondFactorView {
  method: SecondFactorMethod;
  errors: readonly FormError[];
}

/** The sign-in's second step: a code from the app, or (a link away) a recovery code. */
export function secondFactorPage(ctx: PageContext, view: SecondFactorView): Html {
  const { t } = ctx;
  const app = view.method === "totp";
  const field = app
    ? codeInput(ctx, "", view.errors)
    : input(
        ctx,
        {
          name: "code",
          label: t("mfa.recoveryCode"),
          autocomplete: "off",
          maxlength: 64,
          required: true,
        },
        view.errors,
      );
  const other = app ? "recovery_code" : "totp";
  const body = [
    `<p>${t(app ? "mfa.introApp" : "mfa.introRecovery")}</p>`,
    errorSummary(ctx, view.errors),
    form(ctx, {
      action: SECOND_FACTOR_PAGE,
      body: [hidden("method", view.method), field].join("\n"),
      submit: t("mfa.submit"),
    }),
    aside(
      "",
      href(ctx, SECOND_FACTOR_PAGE, { method: other }),
      t(app ? "mfa.useRecovery" : "mfa.useApp"),
    ),
  ].join("\n");
  return renderLayout(ctx, { title: t("mfa.title"), body });
}
