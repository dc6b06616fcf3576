import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/** Header name (lower case, as Fastify stores it) to value. */
export type SecurityHeaders = Readonly<Record<string, string>>;

/**
 * helmet's headers for these options, worked out once. helmet itself rebuilds every
 * middleware (parsing the CSP directives included) on each call, and @fastify/helmet
 * called it on each request: a quarter of the CPU of a bare request (BENCHMARKS.md).
 */
export function computeSecurityHeaders(options: Readonly<HelmetOptions>): SecurityHeaders {
  if (hasPerRequestDirective(options)) {
    throw new Error("A CSP directive given as a function (a nonce) cannot be computed once.");
  }
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string): void {
      headers[name.toLowerCase()] = value;
    },
    // helmet's one removal is X-Powered-By, a header Fastify never sets: nothing to undo.
    removeHeader(): void {},
  };
  let failure: unknown;
  // Every middleware helmet builds is synchronous, so `headers` is complete on return.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    failure = error;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}

/**
 * Sends helmet's headers on every reply in this instance's scope. onRequest, not onSend:
 * a route (/docs) or a nested scope can still replace one, and Fastify keeps them on
 * error replies and 404s. A callback hook, not an async one: no promise per request for
 * work that never waits.
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
