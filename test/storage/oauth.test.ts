import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { oauthStores } from "../../src/methods/oauth/store.js";
import { GRANT_TTL_MS, type OAuthStore } from "../../src/methods/oauth/store-port.js";
import type { Stores, UserRecord } from "../../src/storage/ports.js";
import { type MigratedStores, openMigratedStores } from "../helpers/method-store-db.js";
import { describeEachStore } from "../helpers/stores.js";

/**
 * Issue 17's store: a state and a code are used once, an identity belongs to one user, and
 * two unlinks at once never leave a user without a way in; on PostgreSQL the races are real.
 */
const NOW = new Date("2030-01-01T00:00:00.000Z");
const CONCURRENT = 10;

describeEachStore("oauth store", (store) => {
  let stores: Stores;
  let oauth: OAuthStore;
  let opened: MigratedStores | undefined;

  beforeAll(async () => {
    opened = await openMigratedStores(store, oauthStores);
    stores = opened.stores;
    oauth = stores.oauth;
  });
  afterAll(() => opened?.close());

  const makeUser = (): Promise<UserRecord> => (opened as MigratedStores).makeUser(NOW, "oauth");

  const identity = (userId: string, subject = randomUUID()) => ({
    id: randomUUID(),
    userId,
    provider: "idp",
    issuer: "https://idp.example.test",
    subject,
    email: null,
    now: NOW,
  });

  it("gives a code to exactly one of many concurrent exchanges, and none after 60 s", async () => {
    const user = await makeUser();
    await oauth.createGrant("code-a", { userId: user.id, appCodeChallenge: null }, NOW);
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () => oauth.consumeGrant("code-a", NOW)),
    );
    expect(answers.filter(Boolean)).toEqual([{ userId: user.id, appCodeChallenge: null }]);
    await oauth.createGrant("code-b", { userId: user.id, appCodeChallenge: null }, NOW);
    expect(await oauth.consumeGrant("code-b", new Date(NOW.getTime() + GRANT_TTL_MS))).toBeNull();
  });

  it("uses a state once, and only for its provider", async () => {
    const state = {
      stateHash: randomUUID(),
      provider: "idp",
      nonce: "n",
      codeVerifier: "v",
      redirectTo: "https://app.example.test/",
      appCodeChallenge: null,
      linkUserId: null,
    };
    await oauth.createState(state, NOW);
    expect(await oauth.consumeState(state.stateHash, "other", NOW)).toBeNull();
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () => oauth.consumeState(state.stateHash, "idp", NOW)),
    );
    expect(answers.filter(Boolean)).toEqual([state]);
  });

  it("links an identity to one user only", async () => {
    const [a, b] = [await makeUser(), await makeUser()];
    const subject = randomUUID();
    expect(await oauth.addIdentity(identity(a.id, subject))).not.toBeNull();
    expect(await oauth.addIdentity(identity(b.id, subject))).toBeNull();
    expect((await oauth.findIdentity("idp", "https://idp.example.test", subject))?.userId).toBe(
      a.id,
    );
  });

  it("never removes both of two identities at once from a user with no other way in", async () => {
    const user = await makeUser();
    const first = await oauth.addIdentity(identity(user.id));
    const second = await oauth.addIdentity(identity(user.id));
    const outcomes = await Promise.all(
      [first, second].map((linked) => oauth.removeIdentity(user.id, linked?.id ?? "", false)),
    );
    expect(outcomes.sort()).toEqual(["last", "removed"]);
    expect(await oauth.listIdentities(user.id)).toHaveLength(1);
    expect(await oauth.removeIdentity(user.id, "not-a-uuid", true)).toBe("not_found");
  });
});
