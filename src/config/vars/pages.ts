import type { EnvVar, Parsed } from "../env-var.js";
import { CONTROL, fail, ok, parseBoolean, quote } from "../parsers.js";

const BRAND_NAME_MAX_LENGTH = 60;
function parseBrandName(raw: string): Parsed<string> {
  const name = raw.trim();
  if (name === "") return fail("must not be blank");
  if (CONTROL.test(name)) return fail("must not contain control characters or line breaks");
  if ([...name].length > BRAND_NAME_MAX_LENGTH) {
    return fail(`must be at most ${BRAND_NAME_MAX_LENGTH} characters`);
  }
  return ok(name);
}

/** Hex only: the value goes into a stylesheet, where anything else could carry more CSS. */
function parseColor(raw: string): Parsed<string> {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(raw.trim())?.[1]?.toLowerCase();
  if (hex === undefined) return fail(`${quote(raw)} is not a colour like #1f6feb or #36c`);
  return ok(`#${hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex}`);
}

function parseLogoUrl(raw: string): Parsed<string> {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return fail(`${quote(raw)} is not an absolute http:// or https:// URL`);
  }
  if (url.username !== "" || url.password !== "") return fail("must not contain credentials");
  return ok(url.href);
}

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const PAGE_VARS = [
  { name: "PAGES_ENABLED", aliases: [], key: "pagesEnabled", group: "pages", default: "true", fallback: "true",
    description: "Serve the hosted pages (sign-in, sign-up, verify-email, password reset, account); false turns them all off.",
    parse: parseBoolean },
  { name: "BRAND_NAME", aliases: [], key: "brandName", group: "pages", default: "Latchkey", fallback: "Latchkey",
    description: "Product name shown on the hosted pages and in mail.",
    parse: parseBrandName },
  { name: "BRAND_COLOR", aliases: [], key: "brandColor", group: "pages", default: "#1f6feb", fallback: "#1f6feb",
    description: "Accent colour of the hosted pages (`#rrggbb` or `#rgb`): buttons, links, focus rings.",
    parse: parseColor },
  { name: "BRAND_LOGO_URL", aliases: [], key: "brandLogoUrl", group: "pages", default: "unset: the name alone",
    description: "Absolute URL of a logo for the hosted pages; its origin is added to their img-src.",
    parse: parseLogoUrl },
] as const satisfies readonly EnvVar[];
