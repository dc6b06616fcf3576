import { de } from "./de.js";
import { type Catalogue, en, type MessageKey } from "./en.js";
import { es } from "./es.js";
import type { Locale } from "./locales.js";

export type { MessageKey };

/** Values put into a message's `{placeholders}`. Messages are text: callers escape for HTML. */
export type MessageParams = Readonly<Record<string, string | number>>;

export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** A sign-in method's messages: English complete, the other languages held to it by test. */
export type MethodMessages = { readonly en: Readonly<Record<string, string>> } & {
  readonly [L in Exclude<Locale, "en">]?: Readonly<Record<string, string>>;
};

/**
 * One catalogue per language: the core's and every registered method's. English is
 * complete by construction, the others by test.
 */
export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = {
  en: { ...en },
  es: { ...es },
  de: { ...de },
};

/** Adds a method's messages at start (composition root). A key is global: a clash is a bug. */
export function registerMessages(messages: MethodMessages): void {
  for (const locale of Object.keys(CATALOGUES) as Locale[]) {
    const catalogue = CATALOGUES[locale] as Record<string, string>;
    for (const [key, text] of Object.entries(messages[locale] ?? {})) {
      if (key in catalogue && catalogue[key] !== text) {
        throw new Error(`message ${key} (${locale}) is defined twice`);
      }
      catalogue[key] = text;
    }
  }
}

/** Messages in `locale`; a key the catalogue lacks is said in English rather than not at all. */
export function translator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  // A key no catalogue has (a code added to the API later) reads as itself, never as nothing.
  return (key, params) => interpolate(catalogue[key] ?? CATALOGUES.en[key] ?? key, params);
}

function interpolate(template: string, params: MessageParams | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    return value === undefined ? placeholder : String(value);
  });
}

/** "10 minutes", "1 Stunde", "24 horas": whole hours when the duration is whole hours. */
export function formatDuration(locale: Locale, minutes: number): string {
  const whole = Math.max(1, Math.round(minutes));
  const [value, unit] = whole >= 60 && whole % 60 === 0 ? [whole / 60, "hour"] : [whole, "minute"];
  return cached(
    numberFormats,
    `${locale}|${unit}`,
    () => new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }),
  ).format(value);
}

/**
 * Building an Intl formatter costs a few hundred microseconds, using one almost nothing, and
 * every mail formats a duration: one per locale and shape, made on first use. The keys are
 * bounded (supported locales × a few shapes).
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cached<F>(cache: Map<string, F>, key: string, make: () => F): F {
  let made = cache.get(key);
  if (made === undefined) {
    made = make();
    cache.set(key, made);
  }
  return made;
}

/**
 * A moment in UTC, spelled out in the reader's language. The server does not know the
 * reader's time zone, so it says which one it uses.
 */
export function formatDateTime(locale: Locale, when: Date, style: "long" | "short"): string {
  const options: Intl.DateTimeFormatOptions =
    style === "long"
      ? { dateStyle: "full", timeStyle: "long", timeZone: "UTC" }
      : { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" };
  const text = cached(
    dateFormats,
    `${locale}|${style}`,
    () => new Intl.DateTimeFormat(locale, options),
  ).format(when);
  // timeStyle "long" names the zone itself; the short form would leave the reader guessing.
  return style === "long" ? text : `${text} UTC`;
}
