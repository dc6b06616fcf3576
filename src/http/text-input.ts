import type { FastifyInstance } from "fastify";
import { fieldError } from "../errors.js";

/**
 * Strings the database cannot store or compare refuse at the door, on every route: a NUL
 * byte is not valid in PostgreSQL text (its error was a 500), and an unpaired surrogate
 * (from a JSON `\ud800` escape) has no UTF-8 form, so it would be stored as U+FFFD and
 * no longer match what the client holds. OWASP ASVS 5.0 V1.2 (input is decoded once
 * and then checked): both are refused as 400 VALIDATION_FAILED naming the field.
 */
export function registerTextInputRule(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request and finds nothing on
  // almost all of them, so it should not cost a promise each time.
  app.addHook("preValidation", (request, _reply, done) => {
    const undecodable = firstUndecodableParameter(request.url);
    if (undecodable !== undefined) {
      done(fieldError(undecodable, "is not valid percent-encoded UTF-8"));
      return;
    }
    for (const source of [request.params, request.query, request.body]) {
      const bad = firstUnstorable(source, "");
      if (bad !== undefined) {
        done(
          fieldError(bad || "body", "must not contain a NUL character or an unpaired surrogate"),
        );
        return;
      }
    }
    done();
  });
}

/**
 * The query parser leaves an escape it cannot decode (`%FF`, a lone `%ED%A0%80`) as raw
 * text, so invalid UTF-8 would pass as a literal "%FF": find it in the raw query instead.
 */
function firstUndecodableParameter(url: string): string | undefined {
  const start = url.indexOf("?");
  if (start < 0 || !url.includes("%", start)) return undefined;
  for (const pair of url.slice(start + 1).split("&")) {
    try {
      decodeURIComponent(pair);
    } catch {
      const name = pair.split("=", 1)[0] ?? "";
      try {
        return decodeURIComponent(name) || "query";
      } catch {
        return "query";
      }
    }
  }
  return undefined;
}

/** The dotted path of the first string that is not storable text, or undefined. */
function firstUnstorable(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return isStorable(value) ? undefined : path;
  if (typeof value !== "object" || value === null) return undefined;
  // Bodies are at most 32 deep (server-limits.ts), so the recursion is bounded.
  for (const [key, inner] of Object.entries(value)) {
    const keyBad = isStorable(key) ? undefined : path ? `${path}.${key}` : key;
    const bad = keyBad ?? firstUnstorable(inner, path ? `${path}.${key}` : key);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isStorable(text: string): boolean {
  return !text.includes("\u0000") && !UNPAIRED_SURROGATE.test(text);
}
