import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

/** A fetch that shows the redirect instead of following it. */
const fetchManual = (server: TestServer, path: string) =>
  fetch(server.url + path, { redirect: "manual" });

// The root and the favicon do not touch the store: PGlite only.
describe.each([
  ["on", "true"],
  ["off", "false"],
])("GET / and /favicon.ico with the pages %s", (pages, enabled) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { PAGES_ENABLED: enabled } });
  });
  afterAll(() => server?.close());

  it("the root leads somewhere: the sign-in page, or an index of the API", async () => {
    const res = await fetchManual(server, "/");
    if (pages === "on") {
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/sign-in");
      return;
    }
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      success: true,
      message: expect.any(String),
      docs: "/docs",
      openapi: "/openapi.json",
      jwks: "/.well-known/jwks.json",
      health: "/healthz",
    });
  });

  it("the favicon is 204 No Content, cacheable, not a JSON 404", async () => {
    const res = await fetchManual(server, "/favicon.ico");
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("cache-control")).toBe("public, max-age=86400");
  });

  it("neither is in the OpenAPI document", async () => {
    const doc = await server.get("/openapi.json");
    expect(Object.keys(doc.body.paths)).not.toContain("/");
    expect(Object.keys(doc.body.paths)).not.toContain("/favicon.ico");
  });
});
