import type { SessionView } from "../../domain/account.js";
import { formatDateTime } from "../../i18n/translate.js";
import type { UserRecord } from "../../storage/ports.js";
import type { PageContext } from "../context.js";
import { attributes, escapeHtml, type Html, withHtml } from "../html.js";
import { describeUserAgent } from "../user-agent.js";
import {
  errorSummary,
  type FormError,
  form,
  hidden,
  input,
  newPasswordInputs,
  notice,
} from "./form.js";
import { renderLayout } from "./layout.js";

export interface AccountView {
  user: UserRecord;
  sessions: readonly SessionView[];
  /** The sign-in methods' own sections (context.ts, AccountSection), drawn already. */
  sections: readonly Html[];
  errors: readonly FormError[];
  notice?: string | undefined;
}

/** A moment in UTC; the script rewrites it in the reader's own time zone. */
export function time(ctx: PageContext, iso: string): Html {
  const text = formatDateTime(ctx.locale, new Date(iso), "short");
  return `<time${attributes({ datetime: iso })}>${escapeHtml(text)}</time>`;
}

function deviceName(ctx: PageContext, session: SessionView): string {
  const { browser, os } = describeUserAgent(session.userAgent);
  if (browser && os) return ctx.t("account.device", { browser, os });
  return browser ?? os ?? ctx.t("account.unknownDevice");
}

function sessionItem(ctx: PageContext, session: SessionView): Html {
  const { t } = ctx;
  const device = deviceName(ctx, session);
  const badge = session.current
    ? ` <span class="badge">${escapeHtml(t("account.thisDevice"))}</span>`
    : "";
  const meta = [
    withHtml(t("account.signedIn"), "when", time(ctx, session.createdAt)),
    withHtml(t("account.lastActive"), "when", time(ctx, session.lastUsedAt)),
    session.ip ? escapeHtml(t("account.ipAddress", { ip: session.ip })) : "",
  ]
    .filter(Boolean)
    .map((line) => `<span>${line}</span>`)
    .join("");
  // The current session ends with "Sign out" below; revoking it here would leave this
  // page signed in until the access token expires.
  // The button's name starts with its visible text (WCAG 2.5.3) and then says which one.
  const revoke = session.current
    ? ""
    : `<form method="post" action="/account/sessions/revoke">${hidden("id", session.id)}${
        ctx.explicitLang ? hidden("lang", ctx.locale) : ""
      }<button type="submit" class="button secondary small">${escapeHtml(
        t("account.revoke"),
      )}<span class="visually-hidden"> (${escapeHtml(device)})</span></button></form>`;
  return `<li class="session"><div><strong>${escapeHtml(device)}</strong>${badge}<p class="meta">${meta}</p></div>${revoke}</li>`;
}

/** This device first: it is the one the reader looks for. */
function currentFirst(sessions: readonly SessionView[]): SessionView[] {
  return [...sessions].sort((a, b) => Number(b.current) - Number(a.current));
}

export function accountPage(ctx: PageContext, view: AccountView): Html {
  const { t } = ctx;
  const { user } = view;
  const profile = [
    [t("field.name"), user.name ? escapeHtml(user.name) : "—"],
    [
      t("field.email"),
      `${escapeHtml(user.email)} <span class="badge">${escapeHtml(
        t(user.emailVerifiedAt ? "account.verified" : "account.notVerified"),
      )}</span>`,
    ],
    [t("account.memberSince"), time(ctx, user.createdAt.toISOString())],
  ]
    .map(([term, value]) => `<dt>${escapeHtml(term ?? "")}</dt><dd>${value}</dd>`)
    .join("");
  const passwordFields = [
    input(
      ctx,
      {
        name: "currentPassword",
        label: t("field.currentPassword"),
        type: "password",
        autocomplete: "current-password",
        required: true,
      },
      view.errors,
    ),
    ...newPasswordInputs(ctx, "newPassword", view.errors),
  ].join("\n");
  const body = [
    notice(view.notice),
    errorSummary(ctx, view.errors),
    `<section aria-labelledby="profile-title"><h2 id="profile-title">${escapeHtml(t("account.profile"))}</h2>
<dl class="profile">${profile}</dl></section>`,
    `<section aria-labelledby="sessions-title"><h2 id="sessions-title">${escapeHtml(t("account.sessions"))}</h2>
<ul class="sessions">${currentFirst(view.sessions)
      .map((s) => sessionItem(ctx, s))
      .join("\n")}</ul></section>`,
    ...view.sections,
    `<section aria-labelledby="password-title"><h2 id="password-title">${escapeHtml(t("account.changePassword"))}</h2>
<p class="hint">${escapeHtml(t("account.changePasswordHint"))}</p>
${form(ctx, { action: "/account/password", body: passwordFields, submit: t("account.changeSubmit") })}</section>`,
    `<section class="sign-out">${form(ctx, { action: "/auth/sign-out", body: "", submit: t("account.signOut"), secondary: true })}</section>`,
  ].join("\n");
  return renderLayout(ctx, { title: t("account.title"), body, wide: true });
}
