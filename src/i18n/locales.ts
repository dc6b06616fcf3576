/** The languages Latchkey's pages and mail are written in. English is the fallback. */
export const SUPPORTED_LOCALES = ["en", "es", "de"] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = "en";

export function isLocale(value: unknown): value is Locale {
  return SUPPORTED_LOCALES.some((locale) => locale === value);
}

// RFC 5646 language tags: a 2-3 letter primary language, then subtags ("es-419", "de-CH").
// "_" is accepted as a separator because POSIX locales ("de_DE") turn up in the wild.
const LANGUAGE_TAG = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/i;

/** The supported language a tag names ("es-MX" → "es", "DE" → "de"), or null. */
export function parseLocaleTag(tag: string): Locale | null {
  const primary = LANGUAGE_TAG.exec(tag.trim())?.[1]?.toLowerCase();
  return isLocale(primary) ? primary : null;
}

// A header is client input: weigh a bounded number of entries, never an unbounded list.
const MAX_ACCEPT_LANGUAGE_ENTRIES = 20;

/**
 * The supported language the client prefers most, from an Accept-Language header
 * (RFC 9110 §12.5.4: entries weighted by q, default 1, q=0 meaning "not this one").
 * Null when the client names none of ours; callers fall back to DEFAULT_LOCALE.
 */
export function negotiateLocale(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",", MAX_ACCEPT_LANGUAGE_ENTRIES)
    .map((entry, index) => {
      const [tag = "", ...params] = entry.split(";");
      const q = params
        .map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param)?.[1])
        .find((value) => value !== undefined);
      return { locale: parseLocaleTag(tag), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.locale !== null && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.locale ?? null;
}
