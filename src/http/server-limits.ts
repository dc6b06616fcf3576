import { isUtf8 } from "node:buffer";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AuthError } from "../errors.js";

/**
 * What a request may cost before any route runs. A body is read and parsed on the event
 * loop, so its size and shape bound how long one request can stall every other: a large
 * body of nested arrays stalled the whole server while it was parsed (issue 13;
 * BENCHMARKS.md, "Hardening").
 */

/**
 * No route takes more than a few fields: an auth body is under 2 KB, a page form less.
 * 16 KiB leaves room for long names and passwords (256 code points of up to 4 bytes)
 * and refuses a megabyte before it is read. A route may ask for more with its own
 * `bodyLimit`; BODY_LIMIT stays the ceiling for every route.
 */
export const ROUTE_BODY_LIMIT = 16 * 1024;

/** No request body of the API nests deeper than 3; 32 is far past any honest client. */
export const JSON_MAX_DEPTH = 32;

/** Gives each route its body limit; call before any route is registered. */
export function registerServerLimits(app: FastifyInstance, ceiling: number): void {
  app.addHook("onRoute", (route) => {
    route.bodyLimit = Math.min(route.bodyLimit ?? ROUTE_BODY_LIMIT, ceiling);
  });

  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer" },
    (request: FastifyRequest, body: string | Buffer, done) => {
      // RFC 8259 §8.1: JSON text is UTF-8. Decoding would turn bad bytes into U+FFFD silently.
      if (typeof body !== "string" && !isUtf8(body)) {
        done(new AuthError("INVALID_JSON", "The request body is not valid UTF-8."));
        return;
      }
      const text = typeof body === "string" ? body : body.toString("utf8");
      if (exceedsDepth(text, JSON_MAX_DEPTH)) {
        done(new AuthError("INVALID_JSON", `JSON may nest at most ${JSON_MAX_DEPTH} levels.`));
        return;
      }
      parseJson(request, text, done);
    },
  );
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * One pass over the text, counting brackets outside strings: linear and allocation-free,
 * so a deep body is refused before JSON.parse builds it. Malformed JSON is left for the
 * parser to refuse.
 */
export function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      if (depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
