import swagger from "@fastify/swagger";
import apiReference from "@scalar/fastify-api-reference";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config/config.js";
import { ERROR_CODES } from "../errors.js";
import { ACCESS_COOKIE } from "./cookies.js";

const DESCRIPTION = `Sign-up with an emailed 6-digit code, login with short-lived JWT access tokens and
rotating refresh tokens, password reset by link or code, sessions.

Every response is JSON in one envelope. Errors carry a stable \`code\`:

| code | status | meaning |
|---|---|---|
${Object.entries(ERROR_CODES)
  .map(([code, { status, message }]) => `| ${code} | ${status} | ${message} |`)
  .join("\n")}`;

const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The OpenAPI 3.1 document, built by @fastify/swagger from the same TypeBox schemas that
 * validate requests. Must be registered before the routes it describes.
 */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Latchkey", version: "0.1.0", description: DESCRIPTION },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          cookieAuth: { type: "apiKey", in: "cookie", name: ACCESS_COOKIE },
        },
      },
      tags: [
        { name: "registration", description: "Sign-up and email verification" },
        { name: "sessions", description: "Login, refresh, logout and the session list" },
        { name: "account", description: "The signed-in user" },
        { name: "recovery", description: "Forgot and reset password" },
        { name: "tokens", description: "Verifying access tokens elsewhere" },
        { name: "admin", description: "Users, sessions and the audit trail, for admins" },
        { name: "health", description: "Probes" },
        { name: "older clients", description: "Deprecated aliases kept for older clients" },
      ],
    },
  });
  app.get("/openapi.json", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("cache-control", "public, max-age=60");
    return app.swagger();
  });
  await app.register(apiReference, {
    routePrefix: "/docs",
    logLevel: "warn",
    configuration: { url: "/openapi.json", title: "Latchkey API" },
    hooks: {
      // The reference page is an app: its own script and inline styles, nothing remote.
      onRequest: async (_request, reply) => {
        reply.header("content-security-policy", DOCS_CSP);
      },
    },
  });
}
