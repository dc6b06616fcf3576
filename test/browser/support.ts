import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import type { StoreUnderTest } from "../helpers/stores.js";
import { freePort, startTestServer, type TestServer } from "../helpers/test-server.js";

/** Debian's chromium (.ci/run installs it); Playwright never downloads a browser here. */
export const CHROMIUM = "/usr/bin/chromium";

export const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(`${CHROMIUM} is missing: browser tests skipped (apt-get install -y chromium)`);
}

// Without the background-networking flags Chromium keeps calling Google's hosts, which
// this machine's closed network refuses. Playwright adds --headless and a fresh
// --user-data-dir (a temporary profile) to every launch() itself.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** `extraArgs`: e.g. `--host-resolver-rules` to reach the server under another name. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, ...extraArgs],
  });
}

/**
 * A Latchkey whose PUBLIC_URL and APP_URL are its own address, as in a real deployment:
 * mailed links lead back to it, and the browser's Origin is the one it expects.
 */
export async function startPagesServer(
  store: StoreUnderTest,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return startTestServer({ store, port, env: { PUBLIC_URL: url, APP_URL: url, ...env } });
}

/**
 * A page that records what the CSP refused and every script error, so a test can
 * insist that there were none.
 */
export async function openPage(
  browser: Browser,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: "en-US", ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(text);
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return { context, page, problems };
}

/**
 * Submits the form a button belongs to and waits for the page it leads to. A string is the
 * button's whole name: "Sign in" is not "Sign in with a passkey".
 */
export async function submit(page: Page, buttonName: string | RegExp): Promise<void> {
  await Promise.all([
    page.waitForEvent("load"),
    page.getByRole("button", { name: buttonName, exact: typeof buttonName === "string" }).click(),
  ]);
}
