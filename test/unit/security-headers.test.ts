import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { registerSecurity } from "../../src/http/plugins/security.js";
import { addSecurityHeaders, computeSecurityHeaders } from "../../src/http/security-headers.js";

const API_CSP = "default-src 'none';frame-ancestors 'none';base-uri 'none'";
const PAGE_CSP = "default-src 'none';script-src 'self'";

/** What @fastify/helmet 13.2.0 sent for the API's options over http (taken from a live server). */
const API_HEADERS = {
  "content-security-policy": API_CSP,
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

describe("computeSecurityHeaders", () => {
  const apiOptions = {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    },
    referrerPolicy: { policy: "no-referrer" },
  } as const;

  it("gives helmet's headers for the API's options, names in lower case", () => {
    expect(computeSecurityHeaders({ ...apiOptions, strictTransportSecurity: false })).toEqual(
      API_HEADERS,
    );
  });

  it("adds Strict-Transport-Security only when asked", () => {
    const headers = computeSecurityHeaders({ ...apiOptions, strictTransportSecurity: true });
    expect(headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(
      computeSecurityHeaders({ ...apiOptions, strictTransportSecurity: false }),
    ).not.toHaveProperty("strict-transport-security");
  });

  it("refuses a per-request directive, which a value computed once would freeze", () => {
    const nonce = () => "'nonce-abc'";
    expect(() =>
      computeSecurityHeaders({
        contentSecurityPolicy: { useDefaults: false, directives: { scriptSrc: [nonce] } },
      }),
    ).toThrow(/function/);
  });

  it("throws helmet's own errors at registration: a CSP without default-src", () => {
    expect(() =>
      computeSecurityHeaders({
        contentSecurityPolicy: { useDefaults: false, directives: { scriptSrc: ["'self'"] } },
      }),
    ).toThrow(/default-src/);
  });
});

describe("the headers on replies", () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  /** The API's registration on a bare Fastify, with a route that throws and a JSON route. */
  async function apiApp(publicUrl: string): Promise<FastifyInstance> {
    const made = Fastify();
    await registerSecurity(made, loadConfig({ PUBLIC_URL: publicUrl }));
    made.post("/echo", async (request) => request.body);
    made.get("/boom", async () => {
      throw new Error("boom");
    });
    made.register(async (pages) => {
      addSecurityHeaders(pages, {
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { defaultSrc: ["'none'"], scriptSrc: ["'self'"] },
        },
      });
      pages.get("/page", async () => "page");
    });
    app = made;
    return made;
  }

  function expectApiHeaders(headers: Record<string, unknown>): void {
    expect(headers).toMatchObject(API_HEADERS);
    expect(headers).not.toHaveProperty("strict-transport-security");
  }

  it("are on a success, a 404, an invalid JSON body (400) and a thrown error (500)", async () => {
    const made = await apiApp("http://localhost:3000");
    const ok = await made.inject({ method: "POST", url: "/echo", payload: { a: 1 } });
    expect(ok.statusCode).toBe(200);
    expectApiHeaders(ok.headers);

    const missing = await made.inject({ method: "GET", url: "/no/such/route" });
    expect(missing.statusCode).toBe(404);
    expectApiHeaders(missing.headers);

    const badJson = await made.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(badJson.statusCode).toBe(400);
    expectApiHeaders(badJson.headers);

    const thrown = await made.inject({ method: "GET", url: "/boom" });
    expect(thrown.statusCode).toBe(500);
    expectApiHeaders(thrown.headers);
  });

  it("sends Strict-Transport-Security when the public URL is https", async () => {
    const made = await apiApp("https://auth.example.com");
    const res = await made.inject({ method: "GET", url: "/no/such/route" });
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });

  it("lets a child scope replace a header (the pages' CSP) and keep the rest", async () => {
    const made = await apiApp("http://localhost:3000");
    const page = await made.inject({ method: "GET", url: "/page" });
    expect(page.headers["content-security-policy"]).toBe(PAGE_CSP);
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
  });
});
