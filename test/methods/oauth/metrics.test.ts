import { afterAll, beforeAll, expect, it } from "vitest";
import { registerActive, uniqueEmail } from "../../e2e/support.js";
import { describeEachStore } from "../../helpers/stores.js";
import { CookieJar, followRedirects } from "../../helpers/test-oidc-provider.js";
import { account, atApp, type OAuthWorld, signInAt, startOAuthWorld } from "./support.js";

describeEachStore("latchkey_oauth_sign_ins_total", (store) => {
  let world: OAuthWorld;

  beforeAll(async () => {
    world = await startOAuthWorld(store);
  });
  afterAll(async () => {
    await world?.close();
  });

  const series = (provider: string, outcome: string) =>
    `latchkey_oauth_sign_ins_total{provider="${provider}",outcome="${outcome}"}`;

  /** Every sample of the counter, by its series' text. */
  async function samples(): Promise<Map<string, number>> {
    const text = await world.server.runtime.metrics.render();
    const lines = text.split("\n").filter((line) => line.startsWith("latchkey_oauth_sign_ins"));
    return new Map(
      lines.map((line) => {
        const at = line.lastIndexOf(" ");
        return [line.slice(0, at), Number(line.slice(at + 1))];
      }),
    );
  }

  it("starts every configured provider's series at zero", async () => {
    const before = await samples();
    for (const provider of ["idp", "trusted", "down"]) {
      for (const outcome of ["success", "new_user", "linked", "invalid_state", "provider_error"]) {
        expect(before.get(series(provider, outcome)), series(provider, outcome)).toEqual(
          expect.any(Number),
        );
      }
    }
  });

  it("moves new_user, success, linked and each refusal's series by one", async () => {
    const before = await samples();
    const who = account(uniqueEmail("metrics-new"));
    expect((await signInAt(world, who)).get("code")).toEqual(expect.any(String));
    expect((await signInAt(world, who)).get("code")).toEqual(expect.any(String));
    // A trusted provider's verified email links to the existing verified account.
    const owner = await registerActive(world.server, "metrics-owner");
    const linked = await signInAt(world, account(owner.email), "trusted");
    expect(linked.get("code")).toEqual(expect.any(String));
    // An untrusted one's is refused.
    const refused = await signInAt(world, account(owner.email));
    expect(refused.get("error")).toBe("ACCOUNT_EXISTS");
    // A callback carried to another browser.
    world.op.account = account(uniqueEmail("metrics-csrf"));
    const atCallback = (url: URL) => url.pathname.endsWith("/callback");
    const callback = await followRedirects(
      `${world.server.url}/auth/oauth/idp/authorize`,
      new CookieJar(),
      atCallback,
    );
    const elsewhere = await followRedirects(callback.href, new CookieJar(), atApp(world));
    expect(elsewhere.searchParams.get("error")).toBe("INVALID_STATE");

    const after = await samples();
    const moved = [...after]
      .filter(([name, value]) => value !== (before.get(name) ?? 0))
      .map(([name, value]) => [name, value - (before.get(name) ?? 0)]);
    expect(Object.fromEntries(moved)).toEqual({
      [series("idp", "new_user")]: 1,
      [series("idp", "success")]: 1,
      [series("trusted", "linked")]: 1,
      [series("idp", "account_exists")]: 1,
      [series("idp", "invalid_state")]: 1,
    });
  });

  it("never takes a label from the URL: an unknown provider adds no series", async () => {
    const before = await samples();
    const res = await fetch(`${world.server.url}/auth/oauth/nosuchprovider/callback?state=x`, {
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("error=PROVIDER_NOT_FOUND");
    const after = await samples();
    expect([...after.keys()].some((name) => name.includes("nosuchprovider"))).toBe(false);
    expect(after).toEqual(before);
  });
});
