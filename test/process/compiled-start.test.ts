import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, startArguments } from "../../bench/server.js";
import { startMainProcess } from "./main-process.js";

// Production runs what `npm start` runs: src/ compiled to dist/, plain node, its V8 flags.
// Everything the compiled code reads at run time (page assets, mail catalogues, the
// lazily imported API reference and PGlite driver) must be there too.
describe("npm start's compiled server", () => {
  it("builds dist/, serves the API, pages with their assets and /docs, mails a code, stops", async () => {
    const server = await startMainProcess({ SHUTDOWN_TIMEOUT: "10s" }, startArguments());
    try {
      expect(existsSync(join(REPO_ROOT, "dist", ".source-hash"))).toBe(true);
      expect(server.output()).not.toContain("through tsx");

      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const page = await fetch(`${server.url}/sign-in`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
      expect(stylesheet).toBeDefined();
      const css = await fetch(`${server.url}${stylesheet}`);
      expect(css.status).toBe(200);
      expect(css.headers.get("content-type")).toContain("text/css");
      expect((await css.text()).length).toBeGreaterThan(1000);
      const docs = await fetch(`${server.url}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain("<html");

      const registered = await fetch(`${server.url}/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: "compiled@example.com",
          password: "a long unusual phrase 7",
        }),
      });
      expect(registered.status).toBe(201);
      const mailDir = join(server.dataDir, "mail");
      const mail = await waitFor(() => readdirSync(mailDir).find((name) => name.endsWith(".eml")));
      expect(readFileSync(join(mailDir, mail), "utf8")).toMatch(/\b\d{6}\b/);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
  }, 150_000);
});

async function waitFor<T>(look: () => T | undefined): Promise<T> {
  for (let tries = 0; tries < 100; tries++) {
    try {
      const found = look();
      if (found !== undefined) return found;
    } catch {
      // Not there yet (the folder is made with the first mail).
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("gave up waiting");
}
