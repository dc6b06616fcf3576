import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerErrorHandler } from "../../src/http/error-handler.js";
import {
  registerHttpMetrics,
  registerMetricsRoute,
  startMetricsServer,
} from "../../src/metrics/http.js";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.js";
import { sampleValue } from "./support.js";

const TOKEN = "scrape-token-0123456789abcdef";

/** A bare app shaped like buildApp's: the error handler, the hook, one route with a secret in its path. */
async function bareApp(metrics: Metrics, token?: string) {
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandler(app);
  registerHttpMetrics(app, metrics);
  await app.register(swagger, {
    openapi: { openapi: "3.1.0", info: { title: "t", version: "1" } },
  });
  app.get("/reset/:token", async () => ({ success: true }));
  registerMetricsRoute(app, metrics, { token });
  await app.ready();
  return app;
}

describe("registerHttpMetrics", () => {
  it("labels a request with its route pattern, never the URL and the secret in it", async () => {
    const metrics = createMetrics();
    const app = await bareApp(metrics);

    await app.inject({ method: "GET", url: "/reset/abc123secret?x=1" });
    await app.inject({ method: "GET", url: "/reset/other-secret" });

    const text = await metrics.render();
    expect(text).not.toContain("abc123secret");
    expect(text).not.toContain("other-secret");
    expect(
      await sampleValue(
        metrics,
        'http_requests_total{method="GET",route="/reset/:token",status="200"}',
      ),
    ).toBe(2);
    expect(
      await sampleValue(
        metrics,
        'http_request_duration_seconds_count{method="GET",route="/reset/:token",status="200"}',
      ),
    ).toBe(2);
    await app.close();
  });

  it("files every 404 under route=unmatched, whatever the path", async () => {
    const metrics = createMetrics();
    const app = await bareApp(metrics);

    const reply = await app.inject({ method: "GET", url: "/wp-admin/probe-a" });
    await app.inject({ method: "POST", url: "/.env" });

    expect(reply.statusCode).toBe(404);
    const text = await metrics.render();
    expect(text).not.toContain("wp-admin");
    expect(
      await sampleValue(
        metrics,
        'http_requests_total{method="GET",route="unmatched",status="404"}',
      ),
    ).toBe(1);
    expect(
      await sampleValue(
        metrics,
        'http_requests_total{method="POST",route="unmatched",status="404"}',
      ),
    ).toBe(1);
    await app.close();
  });
});

describe("registerMetricsRoute", () => {
  it("answers the Prometheus text format, without a token when none is configured", async () => {
    const metrics = createMetrics();
    const app = await bareApp(metrics);

    const reply = await app.inject({ method: "GET", url: "/metrics" });

    expect(reply.statusCode).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(reply.body).toContain("# TYPE latchkey_logins_total counter");
    await app.close();
  });

  it("refuses a scrape without the right Bearer token with the 401 envelope", async () => {
    const metrics = createMetrics();
    const app = await bareApp(metrics, TOKEN);

    for (const authorization of [undefined, "Bearer wrong", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const reply = await app.inject({
        method: "GET",
        url: "/metrics",
        headers: authorization ? { authorization } : {},
      });
      expect(reply.statusCode).toBe(401);
      expect(reply.json()).toEqual({
        success: false,
        message: "Authentication is required.",
        code: "UNAUTHORIZED",
      });
      expect(reply.headers["www-authenticate"]).toMatch(/^Bearer/);
    }

    const reply = await app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(reply.body).toContain("latchkey_event_loop_lag_seconds ");
    await app.close();
  });

  it("is left out of the OpenAPI document", async () => {
    const app = await bareApp(createMetrics());

    const paths = Object.keys((app.swagger() as { paths: object }).paths);

    expect(paths).toContain("/reset/{token}");
    expect(paths).not.toContain("/metrics");
    await app.close();
  });
});

describe("startMetricsServer", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("serves /metrics over real HTTP on its own port, and stops when closed", async () => {
    const metrics = createMetrics();
    metrics.countMail("sent");
    const server = await startMetricsServer(metrics, { host: "127.0.0.1", port: 0 });
    close = server.close;

    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('latchkey_mail_total{result="sent"} 1');
    expect((await fetch(server.url.replace("/metrics", "/healthz"))).status).toBe(404);

    await server.close();
    close = undefined;
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it("asks for the token when given one", async () => {
    const server = await startMetricsServer(createMetrics(), {
      host: "127.0.0.1",
      port: 0,
      token: TOKEN,
    });
    close = server.close;

    expect((await fetch(server.url)).status).toBe(401);
    const allowed = await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(allowed.status).toBe(200);
  });
});
