import type { FastifyRequest } from "fastify";
import type { Config } from "../config/config.js";
import type { AccessClaims } from "../crypto/access-tokens.js";
import type { AppDeps } from "../http/types.js";
import { DEFAULT_LOCALE, type Locale, negotiateLocale, parseLocaleTag } from "../i18n/locales.js";
import { type MessageKey, type Translate, translator } from "../i18n/translate.js";
import type { PageAssets } from "./assets.js";
import { type Brand, brandOf } from "./brand.js";
import type { Html } from "./html.js";

/** Everything a page template needs besides its own data. */
export interface PageContext {
  locale: Locale;
  t: Translate;
  /** Chosen with ?lang= (or the form's lang field): links and redirects carry it on. */
  explicitLang: boolean;
  /** The address of this page without `lang`, for the language links. */
  here: string;
  brand: Brand;
  assets: PageAssets;
  config: Config;
}

/**
 * A part of /account that a sign-in method draws (its factors, its linked identities), so
 * the core page shows it without naming the method. Its forms post to the method's pages.
 */
export interface AccountSection {
  /** Drawn between the session list and the change-password form. */
  render: (ctx: PageContext, claims: AccessClaims, deps: AppDeps) => Promise<Html>;
  /** The `?notice=` values its forms redirect to /account with, and their words. */
  notices?: Readonly<Record<string, MessageKey>>;
  /**
   * What /account says when it is landed on with this section's own query parameters (a
   * provider's `?linked=` or `?error=`), already in the page's language; undefined if none.
   */
  landing?: (ctx: PageContext, query: unknown) => AccountLanding | undefined;
}

export interface AccountLanding {
  notice?: string;
  error?: string;
}

/**
 * Another way in that a sign-in method offers on /sign-in, below the password form (a
 * passkey button), so the sign-in page shows it without naming the method.
 */
export interface SignInOption {
  render: (ctx: PageContext) => Html;
  /** Added to the email field's autocomplete: "webauthn" lets the browser offer passkeys. */
  autofill?: "webauthn";
  /** Drawn on /sign-up too, below its form: a way in that makes the account as it signs in. */
  onSignUp?: boolean;
}

export interface PageEnv {
  deps: AppDeps;
  assets: PageAssets;
  /** The sign-in methods' parts of /account, in the order the methods are listed. */
  accountSections: readonly AccountSection[];
  /** The sign-in methods' other ways in on /sign-in, in the same order. */
  signInOptions: readonly SignInOption[];
}

/** A string field of a query or a urlencoded form; anything else (absent, repeated) is "". */
export function field(source: unknown, name: string): string {
  if (typeof source !== "object" || source === null) return "";
  const value = (source as Record<string, unknown>)[name];
  return typeof value === "string" ? value : "";
}

export function pageContext(request: FastifyRequest, env: PageEnv): PageContext {
  const chosen =
    parseLocaleTag(field(request.query, "lang")) ?? parseLocaleTag(field(request.body, "lang"));
  const locale = chosen ?? negotiateLocale(request.headers["accept-language"]) ?? DEFAULT_LOCALE;
  const { config } = env.deps;
  return {
    locale,
    t: translator(locale),
    explicitLang: chosen !== null,
    here: currentPage(request),
    brand: brandOf(config),
    assets: env.assets,
    config,
  };
}

// A re-rendered form answers a POST; its language links lead to the page the form is on.
const FORM_PAGES: Readonly<Record<string, string>> = {
  "/verify-email/resend": "/verify-email",
  "/account/password": "/account",
  "/account/sessions/revoke": "/account",
  "/auth/sign-out": "/account",
};

function currentPage(request: FastifyRequest): string {
  const [path = "/", search = ""] = request.url.split("?", 2);
  if (request.method !== "GET") {
    // A method's account forms (/account/mfa/...) are parts of /account too.
    return FORM_PAGES[path] ?? (path.startsWith("/account/") ? "/account" : path);
  }
  const params = new URLSearchParams(search);
  params.delete("lang");
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/** `here` in another language. */
export function inLanguage(ctx: PageContext, locale: Locale): string {
  return `${ctx.here}${ctx.here.includes("?") ? "&" : "?"}lang=${locale}`;
}

/** A same-site URL with its query; `lang` rides along when the reader chose one. */
export function href(
  ctx: PageContext,
  path: string,
  query: Readonly<Record<string, string | undefined>> = {},
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(name, value);
  }
  if (ctx.explicitLang) params.set("lang", ctx.locale);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
