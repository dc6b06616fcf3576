import { href, type PageContext } from "../../pages/context.js";
import { attributes, escapeHtml, type Html } from "../../pages/html.js";
import {
  aside,
  codeInput,
  errorSummary,
  type FormError,
  form,
  hidden,
  notice,
} from "../../pages/templates/form.js";
import { renderLayout } from "../../pages/templates/layout.js";
import { MFA_PAGES } from "./account-section.js";
import type { TotpEnrolment } from "./enrol.js";

/** The base32 key in groups of four, as authenticator apps show and ask for it. */
export function groupedSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/** The inline SVG, named for assistive technology (the key below it is the text way in). */
function qrImage(ctx: PageContext, svg: string): Html {
  const label = attributes({ role: "img", "aria-label": ctx.t("mfa.setup.qr") });
  return `<div class="qr">${svg.replace("<svg ", `<svg${label} `)}</div>`;
}

/** Adding an authenticator: the QR code, its key for typing, and the code that confirms it. */
export function setupPage(
  ctx: PageContext,
  view: { enrolment: TotpEnrolment; errors: readonly FormError[] },
): Html {
  const { t } = ctx;
  const { enrolment } = view;
  const body = [
    errorSummary(ctx, view.errors),
    `<p>${escapeHtml(t("mfa.setup.scan"))}</p>`,
    qrImage(ctx, enrolment.qrSvg),
    `<p>${escapeHtml(t("mfa.setup.type"))}</p>`,
    `<p><code class="secret" data-secret>${escapeHtml(groupedSecret(enrolment.secret))}</code></p>`,
    `<p>${escapeHtml(t("mfa.setup.confirm"))}</p>`,
    form(ctx, {
      action: MFA_PAGES.confirm,
      body: [hidden("factorId", enrolment.factorId), codeInput(ctx, "", view.errors)].join("\n"),
      submit: t("mfa.setup.submit"),
    }),
    aside("", href(ctx, "/account"), t("mfa.setup.cancel")),
  ].join("\n");
  return renderLayout(ctx, { title: t("mfa.setUp"), body });
}

function fileName(ctx: PageContext): string {
  const brand = ctx.brand.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `${brand || "account"}-recovery-codes.txt`;
}

/**
 * The recovery codes, the one time they are shown. Without script they are there to copy
 * by hand; the script adds copy and download buttons that read them from the page.
 */
export function recoveryCodesPage(
  ctx: PageContext,
  view: { codes: readonly string[]; added: boolean },
): Html {
  const { t } = ctx;
  const codes = view.codes.map((code) => `<li><code>${escapeHtml(code)}</code></li>`).join("");
  const tools = `<div class="code-tools" data-code-tools hidden>
<button type="button" class="button secondary"${attributes({ "data-copy": "recovery-codes", "data-done": t("mfa.codes.copied") })}>${escapeHtml(t("mfa.codes.copy"))}</button>
<button type="button" class="button secondary"${attributes({ "data-download": "recovery-codes", "data-filename": fileName(ctx) })}>${escapeHtml(t("mfa.codes.download"))}</button>
<p class="hint" role="status" data-code-status></p>
</div>`;
  const body = [
    notice(view.added ? t("mfa.codes.added") : t("mfa.codes.replaced")),
    `<p>${escapeHtml(t("mfa.codes.intro"))}</p>`,
    `<ol class="recovery-codes" id="recovery-codes">${codes}</ol>`,
    tools,
    `<div class="actions"><a${attributes({ class: "button", href: href(ctx, "/account") })}>${escapeHtml(t("mfa.codes.done"))}</a></div>`,
  ].join("\n");
  const title = t(view.added ? "mfa.codes.title" : "mfa.codes.newTitle");
  return renderLayout(ctx, { title, body });
}
