import { SUPPORTED_LOCALES } from "../../i18n/locales.js";
import { inLanguage, type PageContext } from "../context.js";
import { attributes, escapeHtml, type Html } from "../html.js";

export interface LayoutOptions {
  title: string;
  body: Html;
  /** The account page needs room for its session list. */
  wide?: boolean;
}

// Each language names itself, so a reader who cannot read the current one finds theirs.
const LANGUAGE_NAMES = { en: "English", es: "Español", de: "Deutsch" } as const;

/**
 * The frame of every page: one stylesheet and one deferred script from this origin (the
 * CSP allows nothing inline), the brand, the page's main card and the language links.
 */
export function renderLayout(ctx: PageContext, options: LayoutOptions): Html {
  const { t, brand, assets } = ctx;
  const logo = brand.logoUrl
    ? `<img${attributes({ class: "logo", src: brand.logoUrl, alt: "", height: 32 })}>`
    : "";
  return `<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(options.title)} · ${escapeHtml(brand.name)}</title>
<link rel="stylesheet" href="${assets.css.path}">
<script src="${assets.js.path}" defer></script>
</head>
<body${attributes({
    "data-show": t("page.showPassword"),
    "data-hide": t("page.hidePassword"),
    "data-show-label": t("page.showPasswordLabel"),
    "data-hide-label": t("page.hidePasswordLabel"),
  })}>
<header class="brand">${logo}<span>${escapeHtml(brand.name)}</span></header>
<main${attributes({ class: options.wide ? "card wide" : "card" })}>
<h1>${escapeHtml(options.title)}</h1>
${options.body}
</main>
${languageLinks(ctx)}
</body>
</html>
`;
}

function languageLinks(ctx: PageContext): Html {
  const items = SUPPORTED_LOCALES.map((locale) => {
    const current = locale === ctx.locale;
    return `<li><a${attributes({
      href: inLanguage(ctx, locale),
      lang: locale,
      hreflang: locale,
      "aria-current": current ? "true" : undefined,
    })}>${LANGUAGE_NAMES[locale]}</a></li>`;
  }).join("");
  return `<footer class="languages"><nav${attributes({ "aria-label": ctx.t("page.languages") })}><ul>${items}</ul></nav></footer>`;
}
