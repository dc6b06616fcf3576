import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { getPage, postForm } from "./support.js";

const PAGES = [
  "/sign-in",
  "/sign-up",
  "/verify-email",
  "/verify-email?email=ada%40latchkey.test&code=123456",
  "/password/forgot",
  "/password/reset",
  "/password/reset/not-a-live-token",
];

const CSP =
  "default-src 'none';script-src 'self';style-src 'self';img-src 'self';connect-src 'self';" +
  "form-action 'self';frame-ancestors 'none';base-uri 'none'";

// Headers and markup do not depend on the store: PGlite only.
describe("hosted pages: headers and markup", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
  });
  afterAll(() => server?.close());

  it.each(PAGES)("%s: strict CSP, referrer only to this origin, not cached, HTML", async (path) => {
    const page = await getPage(server, path);
    expect([200, 410]).toContain(page.status);
    expect(page.headers.get("content-security-policy")).toBe(CSP);
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.html).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  it.each(PAGES)("%s: nothing inline for the CSP to allow", async (path) => {
    const { html } = await getPage(server, path);
    // Every script has a src, no <style> element, no style or on* attribute.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      expect.stringMatching(/^<script src="\/assets\/pages\.[0-9a-f]{12}\.js" defer>$/),
    ]);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    // Every form posts to this origin, with a label for every visible input.
    for (const action of html.matchAll(/<form[^>]*action="([^"]*)"/g)) {
      expect(action[1]).toMatch(/^\/[a-z]/);
    }
    for (const input of html.matchAll(/<input[^>]*\bid="([^"]+)"[^>]*>/g)) {
      expect(html, input[1]).toContain(`<label for="${input[1]}">`);
    }
  });

  it("serves the stylesheet and script from this origin, cacheable by their hashed names", async () => {
    const { html } = await getPage(server, "/sign-in");
    const css = /href="(\/assets\/pages\.[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    const js = /src="(\/assets\/pages\.[0-9a-f]{12}\.js)"/.exec(html)?.[1];
    for (const [path, type] of [
      [css, "text/css; charset=utf-8"],
      [js, "text/javascript; charset=utf-8"],
    ] as const) {
      const asset = await getPage(server, path ?? "/missing");
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toBe(type);
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    const stylesheet = (await getPage(server, css ?? "")).html;
    expect(stylesheet).toMatch(/^:root\{--brand:#1f6feb;--brand-ink:#ffffff;/);
  });

  it("keeps each page small: HTML, stylesheet and script under 24 KiB together", async () => {
    const { html } = await getPage(server, "/sign-in");
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    const assetBytes = (
      await Promise.all(assets.map(async (path) => (await getPage(server, path)).html))
    ).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    for (const path of PAGES) {
      const page = await getPage(server, path);
      expect(Buffer.byteLength(page.html) + assetBytes, path).toBeLessThan(24 * 1024);
    }
  });

  it("leaves the API as it was: JSON-only CSP, and a urlencoded body is still 415", async () => {
    const api = await server.post("/auth/login", "email=a%40b.test&password=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(api.status).toBe(415);
    expect(api.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const health = await server.get("/healthz");
    expect(health.headers.get("content-security-policy")).toBe(
      "default-src 'none';frame-ancestors 'none';base-uri 'none'",
    );
  });

  it("refuses a form sent from another site, with a page that says why", async () => {
    const attempts: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example" },
      { origin: "null", "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const headers of attempts) {
      const page = await postForm(
        server,
        "/sign-in",
        { email: "a@latchkey.test", password: "x" },
        { headers },
      );
      expect(page.status, JSON.stringify(headers)).toBe(403);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.html).toContain("sent from another site");
      expect(page.headers.getSetCookie()).toEqual([]);
    }
  });

  it("draws unknown failures as a page too: a body over the limit is 413", async () => {
    const page = await postForm(server, "/password/forgot", { email: "x".repeat(1_100_000) });
    expect(page.status).toBe(413);
    expect(page.html).toContain('role="alert"');
  });
});

describe("hosted pages: branding", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: {
        BRAND_NAME: `Acme <b>"Sign-in"</b>`,
        BRAND_COLOR: "#ffd33d",
        BRAND_LOGO_URL: "https://cdn.example.com/brand/logo.svg?v=2",
      },
    });
  });
  afterAll(() => server?.close());

  it("shows the name (escaped) and the logo, and lets the CSP load the logo's origin", async () => {
    const page = await getPage(server, "/sign-in");
    expect(page.html).toContain("<span>Acme &lt;b&gt;&quot;Sign-in&quot;&lt;/b&gt;</span>");
    expect(page.html).toContain(
      '<img class="logo" src="https://cdn.example.com/brand/logo.svg?v=2" alt="" height="32">',
    );
    expect(page.headers.get("content-security-policy")).toContain(
      "img-src 'self' https://cdn.example.com;",
    );
  });

  it("keeps a light brand colour readable: dark button text, darkened links", async () => {
    const { html } = await getPage(server, "/sign-in");
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1] ?? "";
    const stylesheet = (await getPage(server, css)).html;
    expect(stylesheet).toContain("--brand:#ffd33d;--brand-ink:#111111;");
    const text = /--brand-text:(#[0-9a-f]{6})/.exec(stylesheet)?.[1];
    expect(text).not.toBe("#ffd33d");
  });
});

describe("PAGES_ENABLED=false", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { PAGES_ENABLED: "false" } });
  });
  afterAll(() => server?.close());

  it("answers 404 NOT_FOUND for every page, GET and POST", async () => {
    for (const path of [...PAGES, "/account"]) {
      const get = await server.get(path);
      expect(get.status, path).toBe(404);
      expect(get.body.code).toBe("NOT_FOUND");
    }
    for (const path of ["/sign-in", "/sign-up", "/password/forgot", "/auth/sign-out"]) {
      const post = await postForm(server, path, { email: "a@latchkey.test" });
      expect(post.status, path).toBe(404);
    }
  });

  it("mails no verification link when nothing would serve it, only the code", async () => {
    await server.post("/auth/register", {
      email: "nopages@latchkey.test",
      password: "correct horse battery staple",
    });
    const mail = await server.smtp.waitForMail((m) => m.to.includes("nopages@latchkey.test"));
    expect(mail.text).toMatch(/\b\d{6}\b/);
    expect(mail.text).not.toContain("/verify-email");
  });
});
