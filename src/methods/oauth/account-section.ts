import type { Config } from "../../config/config.js";
import type { AccessClaims } from "../../crypto/access-tokens.js";
import { AuthError, type ErrorCode, errorCatalog } from "../../errors.js";
import type { AppDeps } from "../../http/types.js";
import {
  type AccountLanding,
  type AccountSection,
  field,
  type PageContext,
} from "../../pages/context.js";
import { codeMessage } from "../../pages/form-errors.js";
import { attributes, escapeHtml, type Html, withHtml } from "../../pages/html.js";
import { time } from "../../pages/templates/account.js";
import { hidden } from "../../pages/templates/form.js";
import { type IdentityView, listIdentities } from "./identities.js";
import { PAGES_RETURN } from "./redirect.js";
import { OAUTH_PAGES } from "./sign-in-option.js";

/** A provider's button label: its configured name, or its id once it is no longer configured. */
export function providerName(config: Config, id: string): string {
  return config.oauthProviders.find((provider) => provider.id === id)?.name ?? id;
}

/** The page's own return address for a link: /account, in the page's language. */
function linkHref(ctx: PageContext, provider: string): string {
  const back = new URL(PAGES_RETURN.account, ctx.config.publicUrl);
  if (ctx.explicitLang) back.searchParams.set("lang", ctx.locale);
  const query = new URLSearchParams({ redirectTo: back.href });
  return `/auth/oauth/${encodeURIComponent(provider)}/link?${query}`;
}

function identityItem(ctx: PageContext, identity: IdentityView): Html {
  const { t } = ctx;
  const name = providerName(ctx.config, identity.provider);
  const meta = [
    identity.email ? escapeHtml(identity.email) : "",
    withHtml(t("oauth.connected"), "when", time(ctx, identity.createdAt)),
  ]
    .filter(Boolean)
    .map((line) => `<span>${line}</span>`)
    .join("");
  const which = `<span class="visually-hidden"> (${escapeHtml(name)}${identity.email ? `, ${escapeHtml(identity.email)}` : ""})</span>`;
  const lang = ctx.explicitLang ? hidden("lang", ctx.locale) : "";
  const remove = `<form method="post" action="${OAUTH_PAGES.remove}">${hidden("id", identity.id)}${lang}<button type="submit" class="button secondary small">${escapeHtml(t("oauth.remove"))}${which}</button></form>`;
  return `<li class="session identity"><div><strong>${escapeHtml(name)}</strong><p class="meta">${meta}</p></div>${remove}</li>`;
}

async function render(ctx: PageContext, claims: AccessClaims, deps: AppDeps): Promise<Html> {
  const { t, config } = ctx;
  const identities = await listIdentities(deps, claims.sub);
  if (identities.length === 0 && config.oauthProviders.length === 0) return "";
  const linked = new Set(identities.map((identity) => identity.provider));
  const connect = config.oauthProviders
    .filter((provider) => !linked.has(provider.id))
    .map(
      ({ id, name }) =>
        `<a${attributes({ class: "button secondary", href: linkHref(ctx, id) })}>${escapeHtml(t("oauth.connect", { name }))}</a>`,
    );
  const parts = identities.length
    ? [
        `<p class="hint">${escapeHtml(t("oauth.section.some"))}</p>`,
        `<ul class="sessions identities">${identities.map((i) => identityItem(ctx, i)).join("\n")}</ul>`,
      ]
    : [`<p class="hint">${escapeHtml(t("oauth.section.none"))}</p>`];
  if (connect.length) parts.push(`<div class="actions">${connect.join("\n")}</div>`);
  return `<section aria-labelledby="identities-title"><h2 id="identities-title">${escapeHtml(t("oauth.section.title"))}</h2>
${parts.join("\n")}</section>`;
}

/**
 * A link's answer, landed on /account: `?linked=<id>` of a configured provider, or
 * `?error=CODE` of a known code. Nothing from the URL is shown as it is.
 */
function landing(ctx: PageContext, query: unknown): AccountLanding | undefined {
  const linked = field(query, "linked");
  if (linked && ctx.config.oauthProviders.some((provider) => provider.id === linked)) {
    return { notice: ctx.t("oauth.linked", { name: providerName(ctx.config, linked) }) };
  }
  const code = field(query, "error");
  if (code && errorCatalog().has(code)) {
    return { error: codeMessage(ctx, new AuthError(code as ErrorCode)) };
  }
  return undefined;
}

/** The user's identities at other providers on /account: connect, list, remove. */
export const oauthAccountSection: AccountSection = {
  render,
  notices: { "identity-removed": "notice.identityRemoved" },
  landing,
};
