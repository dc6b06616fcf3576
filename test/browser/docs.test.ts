import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import { hasChromium, launchChromium, openPage, startPagesServer } from "./support.js";

/** Texts of buttons that lead to Scalar's hosted services, not to this server. */
const OUTSIDE_SERVICES = ["Ask AI", "Generate MCP", "Deploy"];

/** /docs as a reader sees it: the reference renders from this server alone. */
describe.skipIf(!hasChromium)("/docs in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startPagesServer(pglite), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("renders the reference: nothing refused by the CSP, no outside service offered", async () => {
    const { context, page, problems } = await openPage(browser);
    // Any console error counts, a 404 for /favicon.ico included.
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    const elsewhere: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) {
        elsewhere.push(request.url());
      }
    });
    await page.goto(`${server.url}/docs`);
    // The document's own operations are drawn: the page has loaded /openapi.json.
    await page.getByRole("heading", { name: "Latchkey", level: 1 }).waitFor();
    // Settles once every font the page asked for has loaded or failed.
    await page.evaluate("document.fonts.ready.then(() => true)");
    const text = (await page.locator("body").textContent()) ?? "";
    for (const label of OUTSIDE_SERVICES) expect(text, label).not.toContain(label);
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
