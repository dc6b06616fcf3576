import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/*
 * Every reply carries helmet's security headers for its scope's options. The API and the
 * pages differ only in Content-Security-Policy and Referrer-Policy (their callers say why);
 * the rest are helmet's defaults. Over http, the API sends exactly these
 * (test/unit/security-headers.test.ts pins them):
 *
 *   content-security-policy            the scope's directives
 *   cross-origin-opener-policy         same-origin
 *   cross-origin-resource-policy       same-origin
 *   origin-agent-cluster               ?1
 *   referrer-policy                    the scope's policy
 *   strict-transport-security          max-age=31536000; includeSubDomains (https only)
 *   x-content-type-options             nosniff
 *   x-dns-prefetch-control             off
 *   x-download-options                 noopen
 *   x-frame-options                    SAMEORIGIN
 *   x-permitted-cross-domain-policies  none
 *   x-xss-protection                   0
 *
 * Why once: none of them depends on the request, but helmet rebuilds its middlewares
 * (parsing the CSP directives included) on every call, and @fastify/helmet called it on
 * every request, a large share of a cheap request's CPU (BENCHMARKS.md, "What changed").
 */

/** Header name (lower case, as Fastify stores it) to value. */
export type SecurityHeaders = Readonly<Record<string, string>>;

/**
 * helmet's headers for these options. helmet is middleware that can only set headers on a
 * response, so it runs once on one that is never sent, and the headers it set are kept.
 */
export function computeSecurityHeaders(options: Readonly<HelmetOptions>): SecurityHeaders {
  if (hasPerRequestDirective(options)) {
    throw new Error("A CSP directive given as a function (a nonce) cannot be computed once.");
  }
  const unsent = new ServerResponse(new IncomingMessage(new Socket()));
  // helmet's middlewares are all synchronous: every header is set when this call returns.
  helmet(options)(unsent.req, unsent, (error?: unknown) => {
    if (error) throw error;
  });
  const headers = Object.entries(unsent.getHeaders()).map(([name, value]) => [name, String(value)]);
  return Object.freeze(Object.fromEntries(headers));
}

/**
 * Sends the headers, computed once here at registration, on every reply in this instance's
 * scope. onRequest, not onSend: a route (/docs) or a nested scope can still replace one, and
 * Fastify keeps them on error replies and 404s. A callback hook, not an async one: no
 * promise per request for work that never waits.
 */
export function addSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers = computeSecurityHeaders(options);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** A directive given as a function is meant to differ per request; computed once, it would not. */
function hasPerRequestDirective(options: Readonly<HelmetOptions>): boolean {
  const csp = options.contentSecurityPolicy;
  if (typeof csp !== "object") return false;
  return Object.values(csp.directives ?? {}).some(
    (value) =>
      value !== null &&
      typeof value === "object" &&
      [...value].some((entry) => typeof entry === "function"),
  );
}
