import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ensureClientBuilt } from "../../../packages/client/test/support.js";
import { hasChromium, launchChromium } from "../../../test/browser/support.js";
import { nthCodeTo, uniqueEmail } from "../../../test/e2e/support.js";
import { pglite } from "../../../test/helpers/stores.js";
import { freePort, startTestServer, type TestServer } from "../../../test/helpers/test-server.js";
import { type AppServer, startAppServer } from "../server.js";

const PASSWORD = "correct horse battery staple";

/**
 * The client's passkey helpers in a real Chromium with its virtual authenticator: the
 * base64url options become navigator.credentials' buffers and the credential comes back as
 * the JSON the server verifies. WebAuthn wants a domain as RP ID, so the app is
 * http://localhost:PORT (mapped to 127.0.0.1), another site than Latchkey's 127.0.0.1 address:
 * the app keeps its tokens in localStorage here, not in Latchkey's cookies.
 */
describe.skipIf(!hasChromium)("examples/browser-app passkeys in Chromium", () => {
  let server: TestServer;
  let app: AppServer;
  let browser: Browser;
  let appUrl: string;
  beforeAll(async () => {
    ensureClientBuilt();
    const appPort = await freePort();
    appUrl = `http://localhost:${appPort}`;
    [server, browser] = await Promise.all([
      startTestServer({
        store: pglite,
        env: { CORS_ORIGINS: appUrl, WEBAUTHN_RP_ID: "localhost", WEBAUTHN_ORIGINS: appUrl },
      }),
      launchChromium(["--host-resolver-rules=MAP localhost 127.0.0.1"]),
    ]);
    app = await startAppServer({ latchkeyUrl: server.url, port: appPort });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
  });

  const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

  it("adds a passkey through the client's helper, signs out, and signs in with it at aal2", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await page.goto(`${appUrl}/?storage=local`);
    const email = uniqueEmail("browser-app-passkey");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await button(page, "Sign up").click();
    await page.getByLabel("Code from the email").fill(await nthCodeTo(server, email, 1));
    await button(page, "Verify").click();
    await button(page, "Sign in").click();
    await page.getByText(`Signed in as ${email} (aal1)`).waitFor();

    await button(page, "Add a passkey").click();
    await page.getByRole("status").filter({ hasText: "Passkey added." }).waitFor();
    await button(page, "Sign out").click();
    await button(page, "Sign in with a passkey").click();
    await page.getByText(`Signed in as ${email} (aal2)`).waitFor();
    await context.close();
  });
});
