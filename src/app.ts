import { randomUUID } from "node:crypto";
import cookie from "@fastify/cookie";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, LogController } from "fastify";
import { OPERATIONS, SIGN_IN_METHODS } from "./composition/sign-in-methods.js";
import type { Config } from "./config/config.js";
import {
  clientErrorHandler,
  frameworkErrors,
  registerErrorHandler,
  registerNotFoundHandler,
} from "./http/error-handler.js";
import { redactUrl } from "./http/log-redaction.js";
import { registerOpenApi } from "./http/openapi.js";
import { registerSecurity } from "./http/plugins/security.js";
import { registerAccountRoutes } from "./http/routes/account.js";
import { registerAdminRoutes } from "./http/routes/admin.js";
import { registerAdminMailRoutes } from "./http/routes/admin-mail.js";
import { registerAdminStatsRoutes } from "./http/routes/admin-stats.js";
import { registerAdminWebhookRoutes } from "./http/routes/admin-webhooks.js";
import { registerHealthRoutes } from "./http/routes/health.js";
import { registerHomeRoutes } from "./http/routes/home.js";
import { registerRegistrationRoutes } from "./http/routes/registration.js";
import { registerSessionRoutes } from "./http/routes/sessions.js";
import { registerWellKnownRoutes } from "./http/routes/well-known.js";
import { registerServerLimits } from "./http/server-limits.js";
import { registerTextInputRule } from "./http/text-input.js";
import type { App, AppDeps } from "./http/types.js";
import { createLogger } from "./logging/logger.js";
import { registerHttpMetrics, registerMetricsRoute } from "./metrics/http.js";
import type { Metrics } from "./metrics/metrics.js";
import { registerPages } from "./pages/plugin.js";

const ACCESS_LOG_LEVELS = new Set(["info", "debug", "trace"]);

export interface AppOptions {
  /** Resolves when the database answers; /readyz reports it. */
  ping: () => Promise<void>;
  /** A pino logger to use instead of one built from config.logLevel (tests capture logs). */
  logger?: FastifyBaseLogger;
  /** Counts requests; serves /metrics here when only METRICS_TOKEN is set. */
  metrics?: Metrics;
}

/** The HTTP face of Latchkey. Does no I/O: main.ts opens what it needs and listens. */
export function buildApp(config: Config, deps: AppDeps, options: AppOptions): App {
  const app = Fastify({
    loggerInstance: options.logger ?? createLogger(config),
    bodyLimit: config.bodyLimit,
    // Slow clients (slowloris) are cut off: Node checks its timeouts every
    // connectionsCheckingInterval, 30 s by default, far past a 10 s header timeout.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: checkingInterval(config.headersTimeoutMs),
    },
    // The client IP comes from the socket unless the operator names the proxies to trust.
    trustProxy: trustProxyOption(config.trustProxy),
    genReqId: () => randomUUID(),
    // Reset tokens are 43 characters; anything much longer cannot name one of our resources.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors,
    clientErrorHandler,
    // One line per request is written by the onResponse hook below, with secrets redacted.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      // Wrong types are errors, not coerced; unknown fields are errors, not dropped.
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (config.trustProxy === true) {
    // proxy-addr then takes the leftmost X-Forwarded-For entry, which the client wrote.
    app.log.warn(
      "TRUST_PROXY=true trusts every X-Forwarded-For hop: a client picks its own IP for rate limits and the audit trail unless the proxy overwrites the header. Set the number of proxies or their addresses instead.",
    );
  }
  registerErrorHandler(app);
  registerServerLimits(app, config.bodyLimit);
  registerTextInputRule(app);
  // Only JSON is spoken: a text/plain body is 415, not a string that fails validation.
  app.removeContentTypeParser("text/plain");
  if (options.metrics) registerHttpMetrics(app, options.metrics);
  app.register(cookie);
  app.decorateRequest("auth", null);

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    // Every answer of an auth API is personal unless a route says otherwise (JWKS).
    reply.header("cache-control", "no-store");
  });
  // A POST without a body (a browser refreshing by cookie) validates as an empty object.
  app.addHook("preValidation", async (request) => {
    if (request.body === undefined && request.method !== "GET") request.body = {};
  });
  app.addHook("onResponse", async (request, reply) => {
    // One access line per request, skipped without building it when info is off.
    if (!ACCESS_LOG_LEVELS.has(request.log.level)) return;
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
  });

  app.register(async (scoped) => {
    await registerSecurity(scoped, config);
    registerNotFoundHandler(scoped);
    await registerOpenApi(scoped, config, OPERATIONS);
    const routes = scoped.withTypeProvider<TypeBoxTypeProvider>();
    registerHomeRoutes(routes, config);
    registerHealthRoutes(routes, options.ping);
    registerWellKnownRoutes(routes, deps.tokens);
    registerRegistrationRoutes(routes, deps);
    for (const method of SIGN_IN_METHODS) method.routes?.(routes, deps);
    registerAccountRoutes(routes, deps);
    registerSessionRoutes(routes, deps);
    registerAdminRoutes(routes, deps);
    registerAdminMailRoutes(routes, deps);
    registerAdminStatsRoutes(routes, deps);
    registerAdminWebhookRoutes(routes, deps);
  });

  // Beside the API's scope, not in it: the pages have their own CSP, form parser and
  // same-origin rule for forms (which also accepts `Origin: null` with Sec-Fetch-Site).
  if (config.pagesEnabled) registerPages(app, deps, SIGN_IN_METHODS);

  if (options.metrics && config.metricsToken !== undefined && config.metricsPort === undefined) {
    registerMetricsRoute(app, options.metrics, { token: config.metricsToken });
  }

  return app;
}

/** A tenth of the header timeout, so a slow client is closed at most 10 % late; at most 1 s. */
function checkingInterval(headersTimeoutMs: number): number {
  return Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 10)));
}

/** A hop count becomes the function Fastify's types ask for: trust the nearest n proxies. */
function trustProxyOption(setting: Config["trustProxy"]) {
  if (typeof setting !== "number") return setting;
  return (_address: string, hop: number) => hop < setting;
}
