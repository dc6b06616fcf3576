import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { safeEqual, sha256 } from "../crypto/digest.js";
import { AuthError } from "../errors.js";
import { registerErrorHandler, registerNotFoundHandler } from "../http/error-handler.js";
import type { Metrics } from "./metrics.js";

/** Requests that matched no route share one label, so scanners cannot grow the registry. */
const UNMATCHED = "unmatched";

/**
 * Counts and times every reply. Register on the root instance before the routes, so the hook
 * sees them all, 404s included. The route label is the pattern: raw URLs carry secrets (reset
 * tokens) and are unbounded.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? UNMATCHED,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
}

export interface MetricsRouteOptions {
  /** Set: the scraper must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

/**
 * GET /metrics in the Prometheus text format, left out of the OpenAPI document. A wrong or
 * missing token throws UNAUTHORIZED for the app's error handler to render as the envelope.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Metrics,
  options: MetricsRouteOptions = {},
): void {
  // Digests of equal length: the comparison is constant-time and leaks not even the length.
  const expected = options.token === undefined ? undefined : sha256(options.token);
  app.get("/metrics", { schema: { hide: true } }, async (request, reply) => {
    if (expected !== undefined && !bearerMatches(request.headers.authorization, expected)) {
      reply.header("www-authenticate", 'Bearer realm="metrics"');
      throw new AuthError("UNAUTHORIZED");
    }
    const text = await metrics.render();
    return reply.type(metrics.contentType).send(text);
  });
}

function bearerMatches(header: string | undefined, expectedDigest: string): boolean {
  const presented = /^Bearer (\S+)$/i.exec(header?.trim() ?? "")?.[1];
  return presented !== undefined && safeEqual(sha256(presented), expectedDigest);
}

export interface MetricsServerOptions extends MetricsRouteOptions {
  host: string;
  /** 0 picks a free port; `url` tells which. */
  port: number;
  logger?: FastifyBaseLogger;
}

export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A listener of its own serving only GET /metrics, for a port the public never reaches
 * (a private interface, or a sidecar scraping localhost).
 */
export async function startMetricsServer(
  metrics: Metrics,
  options: MetricsServerOptions,
): Promise<MetricsServer> {
  const server = options.logger
    ? Fastify({ loggerInstance: options.logger })
    : Fastify({ logger: false });
  registerErrorHandler(server);
  registerNotFoundHandler(server);
  registerMetricsRoute(server, metrics, { token: options.token });
  const address = await server.listen({ host: options.host, port: options.port });
  return { url: `${address}/metrics`, close: () => server.close() };
}
