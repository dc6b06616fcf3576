import { resolve } from "node:path";
import { parseDuration } from "./duration.js";
import type { Parsed } from "./env-var.js";

/** Parsers shared by several variables; those of one variable sit beside its declaration. */

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** Shows a raw value in an error: JSON-escaped so the message stays one line, and cut short. */
export function quote(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

/** Names only the scheme of a URL that may carry a password, so the error can be logged. */
export function schemeOf(raw: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
  return scheme === undefined ? "no scheme" : `scheme ${quote(scheme)}`;
}

export function integerIn(min: number, max: number, why = "") {
  return (raw: string): Parsed<number> => {
    const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value)) return fail(`${quote(raw)} is not a whole number`);
    if (value < min) return fail(`${value} is below the minimum of ${min}${why}`);
    if (value > max) return fail(`${value} is above the maximum of ${max}`);
    return ok(value);
  };
}

export function durationOf({ allowZero }: { allowZero: boolean }) {
  return (raw: string): Parsed<number> => {
    const seconds = parseDuration(raw);
    if (seconds === undefined) {
      return fail(`${quote(raw)} is not a duration (use 90s, 15m, 24h, 30d or seconds)`);
    }
    if (seconds === 0 && !allowZero) return fail(`${quote(raw)} must be longer than zero`);
    return ok(seconds);
  };
}

/** `300ms`, or a duration in seconds and up (`10s`, `1m`), into milliseconds. */
export function millisecondsIn(minMs: number, maxMs: number) {
  return (raw: string): Parsed<number> => {
    const ms = /^([0-9]{1,9})ms$/.exec(raw);
    const seconds = ms ? undefined : parseDuration(raw);
    const value = ms ? Number(ms[1]) : seconds === undefined ? undefined : seconds * 1000;
    if (value === undefined) return fail(`${quote(raw)} is not a duration (use 500ms, 10s or 1m)`);
    if (value < minMs) return fail(`${quote(raw)} is below the minimum of ${minMs}ms`);
    if (value > maxMs) return fail(`${quote(raw)} is above the maximum of ${maxMs / 1000}s`);
    return ok(value);
  };
}

export const TRUE = ["true", "1", "yes"];
export const FALSE = ["false", "0", "no"];
export function parseBoolean(raw: string): Parsed<boolean> {
  const word = raw.toLowerCase();
  if (TRUE.includes(word)) return ok(true);
  if (FALSE.includes(word)) return ok(false);
  return fail(`${quote(raw)} is not a boolean (use true, false, 1, 0, yes or no)`);
}

export function oneOf<const T extends string>(values: readonly T[]) {
  return (raw: string): Parsed<T> => {
    const value = values.find((candidate) => candidate === raw);
    return value === undefined
      ? fail(`${quote(raw)} is not one of ${values.join(", ")}`)
      : ok(value);
  };
}

export function notBlank(raw: string): Parsed<string> {
  const value = raw.trim();
  return value === "" ? fail("must not be blank") : ok(value);
}

export function parseDirectory(raw: string): Parsed<string> {
  const dir = notBlank(raw);
  return dir.ok ? ok(resolve(dir.value)) : dir;
}

export function urlWithScheme(pattern: RegExp, schemes: string) {
  return (raw: string): Parsed<string> =>
    pattern.test(raw) ? ok(raw) : fail(`must start with ${schemes} (got ${schemeOf(raw)})`);
}

// A value that ends up in a header or on a page: a CR or LF would let it add headers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
export const CONTROL = /[\u0000-\u001f\u007f]/;

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits.
// 32 characters are at least 32 bytes in UTF-8.
export const JWT_SECRET_MIN_LENGTH = 32;

/** A shared secret (JWT_SECRET, METRICS_TOKEN): 32+ characters of randomness. */
export function parseSecret(raw: string): Parsed<string> {
  const length = [...raw].length;
  if (length >= JWT_SECRET_MIN_LENGTH) return ok(raw);
  return fail(`must be at least ${JWT_SECRET_MIN_LENGTH} characters, got ${length}`);
}

/**
 * A comma list of web origins (`https://app.example.com`), each checked as a URL whose origin
 * is all it says; `check` adds a rule of its own (an error, or undefined when it passes).
 */
export function originList(
  check: (url: URL, entry: string) => string | undefined = () => undefined,
) {
  return (raw: string): Parsed<string[]> => {
    const origins: string[] = [];
    for (const entry of raw
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean)) {
      const url = URL.canParse(entry) ? new URL(entry) : undefined;
      if (
        !url ||
        (url.protocol !== "http:" && url.protocol !== "https:") ||
        url.origin !== entry.replace(/\/$/, "")
      ) {
        return fail(`${quote(entry)} is not an origin like https://app.example.com`);
      }
      const problem = check(url, entry);
      if (problem) return fail(problem);
      origins.push(url.origin);
    }
    return ok(origins);
  };
}
