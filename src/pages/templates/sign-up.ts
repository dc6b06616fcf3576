import { href, type PageContext, type SignInOption } from "../context.js";
import type { Html } from "../html.js";
import { aside, emailInput, errorSummary, type FormError, form, input } from "./form.js";
import { renderLayout } from "./layout.js";

export interface SignUpView {
  email: string;
  name: string;
  errors: readonly FormError[];
  /** The other ways in that make an account too (a provider's button), below the form. */
  options?: readonly SignInOption[];
}

export function signUpPage(ctx: PageContext, view: SignUpView): Html {
  const { t, config } = ctx;
  const fields = [
    input(
      ctx,
      {
        name: "name",
        label: t("field.name"),
        autocomplete: "name",
        value: view.name,
        optional: true,
        maxlength: 100,
      },
      view.errors,
    ),
    emailInput(ctx, view.email, view.errors),
    input(
      ctx,
      {
        name: "password",
        label: t("field.password"),
        type: "password",
        autocomplete: "new-password",
        hint: t("field.passwordHint", { min: config.passwordMinLength }),
        required: true,
        minlength: config.passwordMinLength,
      },
      view.errors,
    ),
  ].join("\n");
  const body = [
    errorSummary(ctx, view.errors),
    form(ctx, { action: "/sign-up", body: fields, submit: t("signUp.submit") }),
    ...(view.options ?? []).map((option) => option.render(ctx)),
    aside(t("signUp.haveAccount"), href(ctx, "/sign-in"), t("signUp.signIn")),
  ].join("\n");
  return renderLayout(ctx, { title: t("signUp.title"), body });
}
