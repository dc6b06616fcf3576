import { href, type PageContext, type SignInOption } from "../../pages/context.js";
import { attributes, escapeHtml, type Html } from "../../pages/html.js";
import { PASSKEY_PAGES, statusWords } from "./account-section.js";

/**
 * "Sign in with a passkey" below the password form. Drawn hidden: the script shows it only
 * where WebAuthn is, and also offers passkeys in the email field's autofill (conditional
 * mediation), which is why the field says `autocomplete="username webauthn"`.
 */
function render(ctx: PageContext): Html {
  const { t } = ctx;
  return `<div${attributes({ class: "passkey-sign-in", "data-passkey-sign-in": href(ctx, PASSKEY_PAGES.signIn), hidden: true, ...statusWords(ctx) })}>
<p class="divider"><span>${escapeHtml(t("passkey.or"))}</span></p>
<button type="button" class="button secondary">${escapeHtml(t("passkey.signIn"))}</button>
<p class="hint" aria-live="polite" data-passkey-status></p>
</div>`;
}

export const passkeySignInOption: SignInOption = { render, autofill: "webauthn" };
