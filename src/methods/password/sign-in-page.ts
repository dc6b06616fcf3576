import { href, type PageContext, type SignInOption } from "../../pages/context.js";
import type { Html } from "../../pages/html.js";
import {
  aside,
  emailInput,
  errorSummary,
  type FormError,
  form,
  input,
  notice,
} from "../../pages/templates/form.js";
import { renderLayout } from "../../pages/templates/layout.js";

export interface SignInView {
  email: string;
  errors: readonly FormError[];
  notice?: string | undefined;
  /** Sent here from /account: the script may resume the session with the refresh cookie. */
  resume?: boolean;
  /** The other methods' ways in (a passkey button), drawn below the form. */
  options?: readonly SignInOption[];
}

export function signInPage(ctx: PageContext, view: SignInView): Html {
  const { t } = ctx;
  const options = view.options ?? [];
  const autofill = options.some((option) => option.autofill === "webauthn");
  const fields = [
    emailInput(ctx, view.email, view.errors, autofill ? "username webauthn" : "username"),
    input(
      ctx,
      {
        name: "password",
        label: t("field.password"),
        type: "password",
        autocomplete: "current-password",
        required: true,
      },
      view.errors,
    ),
  ].join("\n");
  const body = [
    notice(view.notice),
    errorSummary(ctx, view.errors),
    form(ctx, {
      action: "/sign-in",
      body: fields,
      submit: t("signIn.submit"),
      data: view.resume ? { resume: href(ctx, "/account") } : {},
    }),
    ...options.map((option) => option.render(ctx)),
    aside("", href(ctx, "/password/forgot"), t("signIn.forgot")),
    aside(t("signIn.noAccount"), href(ctx, "/sign-up"), t("signIn.createAccount")),
  ].join("\n");
  return renderLayout(ctx, { title: t("signIn.title"), body });
}
