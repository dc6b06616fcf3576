import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Config } from "../config/config.js";
import { errorCatalog } from "../errors.js";
import { lazily } from "../process/lazy.js";
import { ACCESS_COOKIE } from "./cookies.js";
import { ErrorBody } from "./envelope.js";
import {
  BODY_METHODS,
  NO_BODY_NOTE,
  type Operations,
  operationIdOf,
  statusesOf,
} from "./openapi-operations.js";

/** Every code the API answers with, core and sign-in methods' (read once they are registered). */
const description =
  () => `Sign-up with an emailed 6-digit code, login with short-lived JWT access tokens and
rotating refresh tokens, password reset by link or code, sessions.

Every response is JSON in one envelope. Errors carry a stable \`code\`:

| code | status | meaning |
|---|---|---|
${[...errorCatalog()]
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
export async function registerOpenApi(
  app: FastifyInstance,
  config: Config,
  operations: Operations,
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Latchkey", version: "0.1.0", description: description() },
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
    transform: ({ schema, url, route }) => ({
      schema: documented(schema as RouteSchema | undefined, url, route, operations),
      url,
    }),
  });
  app.get("/openapi.json", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("cache-control", "public, max-age=60");
    return app.swagger();
  });
  registerDocs(app);
}

type RouteSchema = Record<string, unknown> & { response?: Record<string, unknown> };

/**
 * The document's view of one route: its operationId and every status it can answer
 * (openapi-operations.ts). A copy: the route's own schema also drives validation and
 * serialization, which must not change with what the document says.
 */
function documented(
  schema: RouteSchema | undefined,
  url: string,
  route: { method: string | string[] },
  operations: Operations,
): RouteSchema {
  const method = [route.method].flat()[0] ?? "GET";
  const own = schema ?? {};
  if (own.hide) return own;
  const response: Record<string, unknown> = { ...own.response };
  const listed = Object.keys(response).map(Number);
  const statuses = statusesOf(
    {
      method,
      url,
      listed,
      hasInput: Boolean(own.body || own.querystring || own.params),
      signedIn: Array.isArray(own.security) && own.security.length > 0,
    },
    operations,
  );
  for (const status of statuses) response[status] ??= errorResponse(status);
  const operationId = own.operationId ?? operationIdOf(method, url, operations);
  if (own.body || !BODY_METHODS.has(method)) return { ...own, operationId, response };
  const description = [own.description, NO_BODY_NOTE].filter(Boolean).join(" ");
  return { ...own, operationId, response, description };
}

/** The error envelope, described by the codes that come with this status. */
function errorResponse(status: number) {
  const codes = [...errorCatalog()]
    .filter(([, entry]) => entry.status === status)
    .map(([code]) => code);
  const description = codes.length > 0 ? `Error: ${codes.join(", ")}.` : "Error.";
  return { ...ErrorBody, description };
}

const DOCS_PREFIX = "/docs";
/** Framing headers of the inner answer; the outer reply computes its own. */
const NOT_COPIED = new Set([
  "content-length",
  "connection",
  "date",
  "keep-alive",
  "transfer-encoding",
]);

/**
 * The reference page (/docs, /docs/, /docs/js/scalar.js) is @scalar/fastify-api-reference's,
 * but that package holds its browser bundle as a string from the moment it is imported:
 * memory in every server (BENCHMARKS.md, "Memory (RSS)"), for a page few servers ever show. So it is imported on the first request under /docs, registered on a small
 * Fastify instance of its own, and each request under /docs is handed to that instance. The
 * answers are the plugin's (status, headers, body); what it does not serve is this app's 404.
 */
function registerDocs(app: FastifyInstance): void {
  const docs = lazily(createDocsApp);
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    // Always a GET: for a HEAD, Fastify sends this route's headers without the body.
    const answer = await (await docs()).inject({
      method: "GET",
      url: request.url,
      headers: { host: request.headers.host ?? "localhost" },
    });
    if (answer.statusCode === 404) return reply.callNotFound();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !NOT_COPIED.has(name)) reply.header(name, value);
    }
    reply.code(answer.statusCode);
    // A redirect has no body, and must not gain a content-type by sending an empty one.
    return answer.rawPayload.length > 0 ? reply.send(answer.rawPayload) : reply.send();
  };
  const options = { schema: { hide: true }, logLevel: "warn" } as const;
  app.get(DOCS_PREFIX, options, forward);
  app.get(`${DOCS_PREFIX}/*`, options, forward);
}

/**
 * A self-hosted auth server's reference offers nothing of Scalar's hosted services: no AI
 * agent ("Ask AI"), no MCP generator, no developer toolbar (its Share and Deploy upload the
 * document), no button into Scalar's client app. And nothing leaves the page: no usage
 * pings, the system's fonts instead of fonts.scalar.com's (which the CSP refuses). A
 * variable, not a literal at the call: releases whose types lack an option (`mcp` before
 * 1.5x) still compile, and ignore it at run time.
 */
const DOCS_CONFIGURATION = {
  url: "/openapi.json",
  title: "Latchkey API",
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  hideClientButton: true,
  telemetry: false,
  withDefaultFonts: false,
} as const;

async function createDocsApp(): Promise<FastifyInstance> {
  const { default: apiReference } = await import("@scalar/fastify-api-reference");
  const docs = Fastify({ logger: false });
  await docs.register(apiReference, {
    routePrefix: DOCS_PREFIX,
    configuration: DOCS_CONFIGURATION,
    hooks: {
      // The reference page is an app: its own script and inline styles, nothing remote.
      onRequest: async (_request, reply) => {
        reply.header("content-security-policy", DOCS_CSP);
      },
    },
  });
  await docs.ready();
  return docs;
}
