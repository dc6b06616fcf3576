import { afterAll, beforeAll, expect, it } from "vitest";
import { registerActive, uniqueEmail } from "../../e2e/support.js";
import { describeEachStore } from "../../helpers/stores.js";
import { startTestGithub, type TestGithub } from "../../helpers/test-github.js";
import { CookieJar, followRedirects } from "../../helpers/test-oidc-provider.js";
import { freePort, startTestServer, type TestServer } from "../../helpers/test-server.js";

const APP = "http://app.example.test";

describeEachStore("the github preset (OAuth 2.0, no ID token)", (store) => {
  let github: TestGithub;
  let server: TestServer;

  beforeAll(async () => {
    github = await startTestGithub();
    const port = await freePort();
    server = await startTestServer({
      store,
      port,
      env: {
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        APP_URL: APP,
        OAUTH_PROVIDERS: "github",
        OAUTH_GITHUB_ISSUER: github.url,
        OAUTH_GITHUB_CLIENT_ID: github.clientId,
        OAUTH_GITHUB_CLIENT_SECRET: github.clientSecret,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await github?.close();
  });

  async function signIn() {
    const landed = await followRedirects(
      `${server.url}/auth/oauth/github/authorize`,
      new CookieJar(),
      (url) => url.origin === APP,
    );
    return landed.searchParams;
  }

  it("names the preset GitHub", async () => {
    expect((await server.get("/auth/oauth/providers")).body.providers).toEqual([
      { id: "github", name: "GitHub" },
    ]);
  });

  it("signs in by GitHub's numeric id with the primary verified email, and links by it", async () => {
    const email = uniqueEmail("gh-new");
    github.account = {
      id: 4242,
      login: "octo-new",
      name: "Octo New",
      emails: [
        { email: "other@example.test", primary: false, verified: true },
        { email, primary: true, verified: true },
      ],
    };
    const first = await server.post("/auth/oauth/token", { code: (await signIn()).get("code") });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.user).toMatchObject({ email, name: "Octo New", emailVerified: true });
    // A renamed login is the same user: the key is the id.
    github.account = { ...github.account, login: "octo-renamed" };
    const again = await server.post("/auth/oauth/token", { code: (await signIn()).get("code") });
    expect(again.body.user.id).toBe(first.body.user.id);

    const local = await registerActive(server, "gh-link");
    github.account = {
      id: 777,
      login: "octo-local",
      name: null,
      emails: [{ email: local.email, primary: true, verified: true }],
    };
    const linked = await server.post("/auth/oauth/token", { code: (await signIn()).get("code") });
    expect(linked.body.user.id).toBe(local.userId);
  });

  it("refuses to link by an unverified GitHub email (ACCOUNT_EXISTS)", async () => {
    const local = await registerActive(server, "gh-unverified");
    github.account = {
      id: 778,
      login: "octo-squatter",
      name: null,
      emails: [{ email: local.email, primary: true, verified: false }],
    };
    expect((await signIn()).get("error")).toBe("ACCOUNT_EXISTS");
  });
});
