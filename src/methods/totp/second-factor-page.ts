import type { SecondFactorMethod } from "../../domain/vocabulary.js";
import type { MessageKey } from "../../i18n/en.js";
import { href, type PageContext } from "../../pages/context.js";
import { escapeHtml, type Html } from "../../pages/html.js";
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

/** Where the page's script gets a passkey's request options (the lk_mfa cookie goes there). */
export const PASSKEY_OPTIONS_PAGE = `${SECOND_FACTOR_PAGE}/passkey-options`;

export interface SecondFactorView {
  method: SecondFactorMethod;
  /** The ways this user can finish; a link to each other one. */
  offered: readonly SecondFactorMethod[];
  errors: readonly FormError[];
}

const INTRO: Record<SecondFactorMethod, MessageKey> = {
  totp: "mfa.introApp",
  passkey: "mfa.introPasskey",
  recovery_code: "mfa.introRecovery",
};
const SWITCH: Record<SecondFactorMethod, MessageKey> = {
  totp: "mfa.useApp",
  passkey: "mfa.usePasskey",
  recovery_code: "mfa.useRecovery",
};

/** The sign-in's second step: a code from the app, a passkey, or a recovery code. */
export function secondFactorPage(ctx: PageContext, view: SecondFactorView): Html {
  const { t } = ctx;
  const others = view.offered
    .filter((method) => method !== view.method)
    .map((method) => aside("", href(ctx, SECOND_FACTOR_PAGE, { method }), t(SWITCH[method])));
  const body = [
    `<p>${escapeHtml(t(INTRO[view.method]))}</p>`,
    errorSummary(ctx, view.errors),
    view.method === "passkey" ? passkeyForm(ctx) : codeForm(ctx, view),
    ...others,
  ].join("\n");
  return renderLayout(ctx, { title: t("mfa.title"), body });
}

function codeForm(ctx: PageContext, view: SecondFactorView): Html {
  const field =
    view.method === "totp"
      ? codeInput(ctx, "", view.errors)
      : input(
          ctx,
          {
            name: "code",
            label: ctx.t("mfa.recoveryCode"),
            autocomplete: "off",
            maxlength: 64,
            required: true,
          },
          view.errors,
        );
  return form(ctx, {
    action: SECOND_FACTOR_PAGE,
    body: [hidden("method", view.method), field].join("\n"),
    submit: ctx.t("mfa.submit"),
  });
}

/**
 * The script (pages.js) fetches the options, asks the browser for the passkey, puts its
 * answer in `response` and sends the form; without a script a passkey cannot answer, and
 * the page says so.
 */
function passkeyForm(ctx: PageContext): Html {
  return [
    `<noscript><p>${escapeHtml(ctx.t("mfa.passkeyNeedsScript"))}</p></noscript>`,
    form(ctx, {
      action: SECOND_FACTOR_PAGE,
      body: [
        hidden("method", "passkey"),
        '<input type="hidden" name="response" value="">',
        '<p role="status" aria-live="polite" data-passkey-status></p>',
      ].join("\n"),
      submit: ctx.t("mfa.passkeyButton"),
      data: { "passkey-mfa": PASSKEY_OPTIONS_PAGE, "passkey-failed": ctx.t("mfa.passkeyFailed") },
    }),
  ].join("\n");
}
