import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Config } from "../config/config.js";
import { brandVariables } from "./brand.js";

export interface Asset {
  /** Versioned by content, so it can be cached for a year and still change on deploy. */
  path: string;
  type: string;
  body: string;
}

export interface PageAssets {
  css: Asset;
  js: Asset;
}

const FOREVER = "public, max-age=31536000, immutable";
export const ASSET_CACHE_CONTROL = FOREVER;

/**
 * The one stylesheet and the one script every page links (pages.js with the passkeys' part).
 * The brand colour goes into the stylesheet as CSS variables: the CSP allows no inline
 * style, and one file is one request. Read when the pages plugin registers, not at import.
 */
export async function loadPageAssets(config: Config): Promise<PageAssets> {
  const [base, parts, js, passkeys] = await Promise.all(
    ["pages.css", "parts.css", "pages.js", "passkeys.js"].map((name) =>
      readFile(new URL(`./assets/${name}`, import.meta.url), "utf8"),
    ),
  );
  const css = `${base}\n${parts}`;
  const variables = Object.entries(brandVariables(config.brandColor))
    .map(([name, value]) => `${name}:${value}`)
    .join(";");
  return {
    css: asset("pages", "css", "text/css; charset=utf-8", `:root{${variables}}\n${minifyCss(css)}`),
    js: asset("pages", "js", "text/javascript; charset=utf-8", `${js}\n${passkeys}`),
  };
}

function asset(name: string, extension: string, type: string, body: string): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/assets/${name}.${hash}.${extension}`, type, body };
}

/** Comments and indentation only: the stylesheet is ours and has no strings that need them. */
function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n");
}
