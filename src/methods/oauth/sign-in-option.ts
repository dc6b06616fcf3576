import { href, type PageContext, type SignInOption } from "../../pages/context.js";
import { attributes, escapeHtml, type Html } from "../../pages/html.js";

/** The providers' pages (pages.ts): a button's start, the sign-in's landing, the remove form. */
export const OAUTH_PAGES = {
  start: (provider: string) => `/sign-in/oauth/${encodeURIComponent(provider)}`,
  remove: "/account/identities/remove",
} as const;

/**
 * "Continue with <name>" for each configured provider, on /sign-in and /sign-up (a provider
 * makes an account as it signs in). Plain links: no script is needed to leave for the
 * provider. Each goes through the pages' start (pages.ts), which binds the flow to this
 * browser before it is sent to GET /auth/oauth/<id>/authorize.
 */
function render(ctx: PageContext): Html {
  const providers = ctx.config.oauthProviders;
  if (providers.length === 0) return "";
  const { t } = ctx;
  const links = providers
    .map(
      ({ id, name }) =>
        `<a${attributes({ class: "button secondary", href: href(ctx, OAUTH_PAGES.start(id)) })}>${escapeHtml(t("oauth.continue", { name }))}</a>`,
    )
    .join("\n");
  return `<div class="provider-sign-in">
<p class="divider"><span>${escapeHtml(t("oauth.or"))}</span></p>
<div class="actions">${links}</div>
</div>`;
}

export const oauthSignInOption: SignInOption = { render, onSignUp: true };
