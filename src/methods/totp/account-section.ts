import type { AccessClaims } from "../../crypto/access-tokens.js";
import type { AppDeps } from "../../http/types.js";
import type { AccountSection, PageContext } from "../../pages/context.js";
import { escapeHtml, type Html, withHtml } from "../../pages/html.js";
import { time } from "../../pages/templates/account.js";
import { form, hidden } from "../../pages/templates/form.js";
import { type FactorView, listSecondFactors } from "./manage.js";

/** Where the section's forms post (pages.ts registers them). */
export const MFA_PAGES = {
  start: "/account/mfa/totp",
  confirm: "/account/mfa/totp/confirm",
  recoveryCodes: "/account/mfa/recovery-codes",
  remove: "/account/mfa/factors/remove",
} as const;

function factorItem(ctx: PageContext, factor: FactorView): Html {
  const { t } = ctx;
  const name = factor.name ?? t("mfa.defaultName");
  const used = factor.lastUsedAt
    ? withHtml(t("mfa.lastUsed"), "when", time(ctx, factor.lastUsedAt))
    : escapeHtml(t("mfa.neverUsed"));
  const meta = [withHtml(t("mfa.added"), "when", time(ctx, factor.createdAt)), used]
    .map((line) => `<span>${line}</span>`)
    .join("");
  // As the session list's buttons: the visible text first (WCAG 2.5.3), then which one.
  const remove = `<form method="post" action="${MFA_PAGES.remove}">${hidden("id", factor.id)}${
    ctx.explicitLang ? hidden("lang", ctx.locale) : ""
  }<button type="submit" class="button secondary small">${escapeHtml(t("mfa.remove"))}<span class="visually-hidden"> (${escapeHtml(name)})</span></button></form>`;
  return `<li class="session factor"><div><strong>${escapeHtml(name)}</strong><p class="meta">${meta}</p></div>${remove}</li>`;
}

async function renderSection(ctx: PageContext, claims: AccessClaims, deps: AppDeps) {
  const { t } = ctx;
  const { factors, recoveryCodesLeft } = await listSecondFactors(deps, claims.sub);
  const start = form(ctx, {
    action: MFA_PAGES.start,
    body: "",
    submit: t(factors.length ? "mfa.addAnother" : "mfa.setUp"),
    secondary: factors.length > 0,
  });
  const parts = factors.length
    ? [
        `<p class="hint">${escapeHtml(t("mfa.section.on"))}</p>`,
        `<ul class="sessions factors">${factors.map((f) => factorItem(ctx, f)).join("\n")}</ul>`,
        `<p class="codes-left">${escapeHtml(t("mfa.codesLeft", { count: recoveryCodesLeft }))}</p>`,
        `<p class="hint">${escapeHtml(t("mfa.regenerateHint"))}</p>`,
        `<div class="mfa-actions">${form(ctx, {
          action: MFA_PAGES.recoveryCodes,
          body: "",
          submit: t("mfa.regenerate"),
          secondary: true,
        })}${start}</div>`,
      ]
    : [`<p class="hint">${escapeHtml(t("mfa.section.off"))}</p>`, start];
  return `<section aria-labelledby="mfa-title"><h2 id="mfa-title">${escapeHtml(t("mfa.section.title"))}</h2>
${parts.join("\n")}</section>`;
}

/** The user's authenticator apps and recovery codes on /account. */
export const secondFactorAccountSection: AccountSection = {
  render: renderSection,
  notices: { "mfa-added": "notice.mfaAdded", "mfa-removed": "notice.mfaRemoved" },
};
