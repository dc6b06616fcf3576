import cors from "@fastify/cors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.js";
import { AuthError } from "../../errors.js";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../cookies.js";
import { addSecurityHeaders } from "../security-headers.js";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Headers, CORS and the cross-site rule for cookies. The API answers JSON only, so its
 * Content-Security-Policy forbids everything; pages that need more set their own.
 */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  // helmet's headers (listed in security-headers.ts), worked out once here, not per request.
  addSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    },
    // Tokens in URLs (reset links) must not leak to other sites through Referer.
    referrerPolicy: { policy: "no-referrer" },
    strictTransportSecurity: config.publicUrl.startsWith("https://"),
  });
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    credentials: true,
    methods: ["GET", "POST", "PATCH", "DELETE"],
    allowedHeaders: ["content-type", "authorization", "x-request-id"],
    exposedHeaders: ["x-request-id", "retry-after"],
    maxAge: 600,
  });

  const allowed = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
  app.addHook("onRequest", async (request) => {
    if (UNSAFE_METHODS.has(request.method) && usesSessionCookie(request)) {
      assertSameOriginOrAllowed(request, allowed);
    }
  });
}

/**
 * A Bearer header wins over cookies; only cookie-carried sessions can be ridden cross-site.
 * The cookies are read as the routes read them (@fastify/cookie's parse, which trims names):
 * a substring test of the raw header let `refreshToken =…` reach a route ungated.
 */
function usesSessionCookie(request: FastifyRequest): boolean {
  if (request.headers.authorization) return false;
  // Unset when @fastify/cookie is not registered: then no route reads a session cookie either.
  const cookies: Partial<Record<string, string>> = request.cookies ?? {};
  return cookies[ACCESS_COOKIE] !== undefined || cookies[REFRESH_COOKIE] !== undefined;
}

/**
 * OWASP CSRF Prevention Cheat Sheet, "Verifying Origin with standard headers" and
 * "Fetch Metadata": browsers send Origin (or Sec-Fetch-Site) on every cross-origin
 * POST, so a missing pair means a non-browser client, which cannot be ridden.
 */
function assertSameOriginOrAllowed(request: FastifyRequest, allowed: Set<string>): void {
  const origin = request.headers.origin;
  if (typeof origin === "string" && origin !== "null") {
    if (allowed.has(origin)) return;
    throw new AuthError("FORBIDDEN", "Cross-site request refused: origin not allowed.");
  }
  const site = request.headers["sec-fetch-site"];
  if (site === undefined || site === "same-origin" || site === "none") {
    if (origin !== "null") return;
  }
  throw new AuthError("FORBIDDEN", "Cross-site request refused.");
}
