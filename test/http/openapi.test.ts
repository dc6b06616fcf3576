import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import type { App } from "../../src/http/types.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        deprecated?: boolean;
        responses?: Record<string, unknown>;
        requestBody?: { content?: Record<string, unknown> };
      }
    >
  >;
  components: { securitySchemes: Record<string, unknown> };
}

// The document does not depend on the store: one run on PGlite is enough.
describe("OpenAPI document", () => {
  const store = pglite;
  let server: TestServer;
  let app: App;
  const registered: { method: string; url: string; hidden: boolean }[] = [];
  let document: OpenApiDocument;

  beforeAll(async () => {
    server = await startTestServer({ store });
    // A second app on the same runtime, so every route can be seen as it registers.
    app = buildApp(server.runtime.deps.config, server.runtime.deps, {
      ping: server.runtime.database.ping,
    });
    app.addHook("onRoute", (route) => {
      for (const method of [route.method].flat()) {
        if (method === "HEAD") continue;
        registered.push({
          method: method.toLowerCase(),
          url: route.url,
          hidden: Boolean((route.schema as { hide?: boolean } | undefined)?.hide),
        });
      }
    });
    await app.ready();
    const response = await server.get("/openapi.json");
    expect(response.status).toBe(200);
    document = response.body;
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(document.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it("describes every registered API route", () => {
    const api = registered.filter((r) => !r.hidden && !r.url.startsWith("/docs"));
    expect(api.length).toBeGreaterThan(20);
    for (const route of api) {
      const path = route.url.replace(/:(\w+)/g, "{$1}");
      expect(document.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
    }
  });

  it("documents the form_post callback as a form answered by a 303", () => {
    const operation = document.paths["/auth/oauth/{provider}/callback"]?.post;
    expect(Object.keys(operation?.requestBody?.content ?? {})).toEqual([
      "application/x-www-form-urlencoded",
    ]);
    expect(Object.keys(operation?.responses ?? {})).toContain("303");
  });

  it("marks the older clients' aliases deprecated and only them", () => {
    const aliases = [
      "/register",
      "/login",
      "/forgot-password",
      "/reset-password",
      "/api/auth/sign-up",
      "/api/auth/verify-code",
      "/api/auth/forget-password-mail",
      "/api/auth/forget-password",
    ];
    for (const alias of aliases) expect(document.paths[alias]?.post?.deprecated, alias).toBe(true);
    expect(document.paths["/auth/login"]?.post?.deprecated).toBeUndefined();
  });

  it("has both auth schemes and the session routes", () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      "bearerAuth",
      "cookieAuth",
    ]);
    expect(document.paths["/auth/sessions"]?.get).toBeDefined();
    expect(document.paths["/auth/sessions/{id}"]?.delete).toBeDefined();
  });

  it("documents every error code", () => {
    const text = JSON.stringify(document);
    for (const code of [
      "EMAIL_TAKEN",
      "INVALID_REFRESH_TOKEN",
      "TOO_MANY_ATTEMPTS",
      "RATE_LIMITED",
    ]) {
      expect(text).toContain(code);
    }
  });

  it("serves the reference page at /docs", async () => {
    const response = await fetch(`${server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
  });
});
