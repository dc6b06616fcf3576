import { afterAll, beforeAll, expect, it } from "vitest";
import { expectError, PASSWORD, uniqueEmail } from "../../e2e/support.js";
import { describeEachStore } from "../../helpers/stores.js";
import {
  account,
  exchange,
  type OAuthWorld,
  signInAt,
  signInThroughProvider,
  startOAuthWorld,
} from "./support.js";

describeEachStore("sign-in with an OpenID provider", (store) => {
  let world: OAuthWorld;

  beforeAll(async () => {
    world = await startOAuthWorld(store);
  });
  afterAll(async () => {
    await world?.close();
  });

  it("lists the providers with their names", async () => {
    const res = await world.server.get("/auth/oauth/providers");
    expect(res.status).toBe(200);
    expect(res.body.providers).toEqual([
      { id: "idp", name: "idp" },
      { id: "trusted", name: "Trusted IdP" },
      { id: "down", name: "down" },
    ]);
  });

  it("makes an active account with no password for a new identity; its code works once", async () => {
    const email = uniqueEmail("oidc-new");
    const params = await signInAt(world, account(email));
    const code = params.get("code");
    const res = await exchange(world, code);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.amr).toEqual(["oauth"]);
    expect(res.body.aal).toBe("aal1");
    expect(res.body.user).toMatchObject({ email, status: "active" });
    // No password: any password is a wrong one, answered like any other.
    expectError(
      await world.server.post("/auth/login", { email, password: PASSWORD }),
      401,
      "INVALID_CREDENTIALS",
    );
    expectError(await exchange(world, code), 400, "INVALID_GRANT");
  });

  it("signs a returning identity in to the same user", async () => {
    const who = account(uniqueEmail("oidc-back"));
    const first = await signInThroughProvider(world, who);
    const again = await signInThroughProvider(world, who);
    expect(again.body.user.id).toBe(first.body.user.id);
  });
});
