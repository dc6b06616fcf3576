import { formatDuration } from "../../i18n/translate.js";
import { href, type PageContext } from "../../pages/context.js";
import { escapeHtml, type Html } from "../../pages/html.js";
import {
  aside,
  codeInput,
  emailInput,
  errorSummary,
  type FormError,
  form,
  newPasswordInputs,
} from "../../pages/templates/form.js";
import { renderLayout } from "../../pages/templates/layout.js";
import { messagePage } from "../../pages/templates/message.js";

export interface ForgotView {
  email: string;
  errors: readonly FormError[];
}

export function forgotPasswordPage(ctx: PageContext, view: ForgotView): Html {
  const { t } = ctx;
  const email = emailInput(ctx, view.email, view.errors);
  const body = [
    errorSummary(ctx, view.errors),
    `<p>${escapeHtml(t("forgot.intro"))}</p>`,
    form(ctx, { action: "/password/forgot", body: email, submit: t("forgot.submit") }),
    aside(t("forgot.haveCode"), href(ctx, "/password/reset"), t("forgot.enterCode")),
    aside(t("forgot.remembered"), href(ctx, "/sign-in"), t("signUp.signIn")),
  ].join("\n");
  return renderLayout(ctx, { title: t("forgot.title"), body });
}

/** The same answer whether or not the email has an account. */
export function resetSentPage(ctx: PageContext, email: string): Html {
  const { t, config, locale } = ctx;
  return messagePage(ctx, {
    title: t("sent.title"),
    paragraphs: [
      t("sent.text", { email, ttl: formatDuration(locale, config.resetTokenTtl / 60) }),
      t("sent.spam"),
    ],
    actions: [
      { href: href(ctx, "/sign-in"), label: t("signUp.signIn") },
      { href: href(ctx, "/password/forgot"), label: t("sent.again") },
    ],
  });
}

export function invalidResetLinkPage(ctx: PageContext): Html {
  const { t, config, locale } = ctx;
  return messagePage(ctx, {
    title: t("reset.invalidTitle"),
    paragraphs: [
      t("reset.invalidText", { ttl: formatDuration(locale, config.resetTokenTtl / 60) }),
    ],
    actions: [
      { href: href(ctx, "/password/forgot"), label: t("reset.askNew") },
      { href: href(ctx, "/sign-in"), label: t("signUp.signIn") },
    ],
    alert: true,
  });
}

export interface ResetView {
  /** Set: the form of a reset link. Unset: the form for an emailed code. */
  token?: string | undefined;
  email: string;
  code: string;
  errors: readonly FormError[];
}

export function resetPasswordPage(ctx: PageContext, view: ResetView): Html {
  const { t } = ctx;
  const fields: Html[] = [];
  if (view.token === undefined) {
    fields.push(
      emailInput(ctx, view.email, view.errors, "username"),
      codeInput(ctx, view.code, view.errors),
    );
  }
  fields.push(...newPasswordInputs(ctx, "password", view.errors));
  const action =
    view.token === undefined
      ? "/password/reset"
      : `/password/reset/${encodeURIComponent(view.token)}`;
  const intro = view.token === undefined ? t("reset.codeIntro") : t("reset.intro");
  const body = [
    errorSummary(ctx, view.errors),
    `<p>${escapeHtml(intro)}</p>`,
    form(ctx, { action, body: fields.join("\n"), submit: t("reset.submit") }),
  ].join("\n");
  return renderLayout(ctx, { title: t("reset.title"), body });
}
