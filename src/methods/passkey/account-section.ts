import type { AccessClaims } from "../../crypto/access-tokens.js";
import type { AppDeps } from "../../http/types.js";
import type { AccountSection, PageContext } from "../../pages/context.js";
import { attributes, escapeHtml, type Html, withHtml } from "../../pages/html.js";
import { time } from "../../pages/templates/account.js";
import { hidden } from "../../pages/templates/form.js";
import { listPasskeys, type PasskeyView } from "./manage.js";

/** Where the section's forms post (pages.ts registers them); adding is the API's (script). */
export const PASSKEY_PAGES = {
  rename: "/account/passkeys/rename",
  remove: "/account/passkeys/remove",
  signIn: "/sign-in/passkey",
} as const;

/** What the script says while it works, and when it fails: the page's own language. */
export function statusWords(ctx: PageContext): Record<string, string> {
  const { t } = ctx;
  return {
    "data-waiting": t("passkey.waiting"),
    "data-cancelled": t("passkey.cancelled"),
    "data-failed": t("passkey.failed"),
    "data-step-up": t("passkey.stepUp"),
  };
}

function langField(ctx: PageContext): Html {
  return ctx.explicitLang ? hidden("lang", ctx.locale) : "";
}

function passkeyItem(ctx: PageContext, passkey: PasskeyView): Html {
  const { t } = ctx;
  const name = passkey.name ?? t("passkey.defaultName");
  const used = passkey.lastUsedAt
    ? withHtml(t("passkey.lastUsed"), "when", time(ctx, passkey.lastUsedAt))
    : escapeHtml(t("passkey.neverUsed"));
  const meta = [withHtml(t("passkey.added"), "when", time(ctx, passkey.createdAt)), used]
    .map((line) => `<span>${line}</span>`)
    .join("");
  const badge = `<span class="badge">${escapeHtml(t(passkey.backedUp ? "passkey.synced" : "passkey.oneDevice"))}</span>`;
  const which = `<span class="visually-hidden"> (${escapeHtml(name)})</span>`;
  const nameId = `passkey-name-${passkey.id}`;
  // Plain forms: renaming and removing work without script, as every other form here.
  const rename = `<form class="passkey-rename" method="post" action="${PASSKEY_PAGES.rename}">${hidden("id", passkey.id)}${langField(ctx)}<label${attributes({ for: nameId, class: "visually-hidden" })}>${escapeHtml(t("passkey.newName"))}${which}</label><input${attributes({ id: nameId, name: "name", type: "text", value: passkey.name ?? "", maxlength: 100, autocomplete: "off" })}><button type="submit" class="button secondary small">${escapeHtml(t("passkey.rename"))}${which}</button></form>`;
  const remove = `<form method="post" action="${PASSKEY_PAGES.remove}">${hidden("id", passkey.id)}${langField(ctx)}<button type="submit" class="button secondary small">${escapeHtml(t("passkey.remove"))}${which}</button></form>`;
  return `<li class="session passkey"><div><strong>${escapeHtml(name)}</strong> ${badge}<p class="meta">${meta}</p></div><div class="passkey-actions">${rename}${remove}</div></li>`;
}

/**
 * The add button is drawn hidden: creating a passkey needs the script and WebAuthn, and
 * the script shows it only where both are. Its status line is a live region.
 */
function addForm(ctx: PageContext): Html {
  const { t } = ctx;
  const target = `/account?notice=passkey-added${ctx.explicitLang ? `&lang=${ctx.locale}` : ""}`;
  return `<form${attributes({ class: "passkey-add", "data-passkey-add": target, hidden: true, ...statusWords(ctx) })}>
<label for="passkey-new-name">${escapeHtml(t("passkey.addName"))}</label>
<input${attributes({ id: "passkey-new-name", name: "name", type: "text", maxlength: 100, autocomplete: "off" })}>
<button type="submit" class="button">${escapeHtml(t("passkey.add"))}</button>
<p class="hint" aria-live="polite" data-passkey-status></p>
</form>`;
}

async function renderSection(ctx: PageContext, claims: AccessClaims, deps: AppDeps) {
  const { t } = ctx;
  const passkeys = await listPasskeys(deps, claims.sub);
  const parts = passkeys.length
    ? [
        `<p class="hint">${escapeHtml(t("passkey.section.some"))}</p>`,
        `<ul class="sessions passkeys">${passkeys.map((p) => passkeyItem(ctx, p)).join("\n")}</ul>`,
      ]
    : [`<p class="hint">${escapeHtml(t("passkey.section.none"))}</p>`];
  return `<section aria-labelledby="passkeys-title"><h2 id="passkeys-title">${escapeHtml(t("passkey.section.title"))}</h2>
${parts.join("\n")}
${addForm(ctx)}</section>`;
}

/** The user's passkeys on /account: added in the browser, renamed and removed by forms. */
export const passkeyAccountSection: AccountSection = {
  render: renderSection,
  notices: {
    "passkey-added": "notice.passkeyAdded",
    "passkey-renamed": "notice.passkeyRenamed",
    "passkey-removed": "notice.passkeyRemoved",
  },
};
