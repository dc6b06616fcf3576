import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sha256 } from "../../src/crypto/digest.js";
import { passkeyStores } from "../../src/methods/passkey/store.js";
import { CHALLENGE_TTL_MS, type PasskeyStore } from "../../src/methods/passkey/store-port.js";
import type { Stores, UserRecord } from "../../src/storage/ports.js";
import { type MigratedStores, openMigratedStores, winners } from "../helpers/method-store-db.js";
import { describeEachStore } from "../helpers/stores.js";

/**
 * Issue 16's passkey store: a challenge answers one response and a counter value passes
 * once, also under concurrent callers; on PostgreSQL those are separate connections, so the
 * races are real.
 */
const NOW = new Date("2030-01-01T00:00:00.000Z");
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
const CONCURRENT = 10;

describeEachStore("passkey store", (store) => {
  let stores: Stores;
  let passkeys: PasskeyStore;
  let opened: MigratedStores | undefined;

  beforeAll(async () => {
    opened = await openMigratedStores(store, passkeyStores);
    stores = opened.stores;
    passkeys = stores.passkeys;
  });
  afterAll(() => opened?.close());

  const makeUser = (): Promise<UserRecord> => (opened as MigratedStores).makeUser(NOW, "passkeys");

  const addPasskey = (user: UserRecord, counter = 0) =>
    passkeys.addPasskey({
      id: randomUUID(),
      userId: user.id,
      credentialId: randomBytes(16).toString("base64url"),
      publicKey: randomBytes(77).toString("base64url"),
      counter,
      transports: ["internal"],
      deviceType: "multiDevice",
      backedUp: true,
      name: "laptop",
      now: NOW,
    });

  it("uses a challenge up once, for its purpose and user, while it is live", async () => {
    const user = await makeUser();
    const hash = sha256(randomUUID());
    await passkeys.createChallenge({
      challengeHash: hash,
      purpose: "register",
      userId: user.id,
      now: NOW,
    });
    expect(await passkeys.consumeChallenge(hash, "login", null, NOW)).toBeNull();
    expect(
      await passkeys.consumeChallenge(hash, "register", (await makeUser()).id, NOW),
    ).toBeNull();
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        passkeys.consumeChallenge(hash, "register", user.id, NOW),
      ),
    );
    expect(winners(answers)).toBe(1);
    expect(answers.find(Boolean)).toEqual({ userId: user.id });

    const stale = sha256(randomUUID());
    await passkeys.createChallenge({
      challengeHash: stale,
      purpose: "login",
      userId: null,
      now: NOW,
    });
    expect(await passkeys.consumeChallenge(stale, "login", null, at(CHALLENGE_TTL_MS))).toBeNull();
    expect(await passkeys.purgeExpiredChallenges(at(CHALLENGE_TTL_MS))).toBeGreaterThanOrEqual(1);
  });

  it("moves a counter only forward, one winner per value; 0 stays 0", async () => {
    const user = await makeUser();
    const counted = await addPasskey(user, 3);
    if (!counted) throw new Error("not added");
    expect(await passkeys.recordUse(counted.id, 3, true, NOW)).toBe(false);
    expect(await passkeys.recordUse(counted.id, 0, true, NOW)).toBe(false);
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, () => passkeys.recordUse(counted.id, 4, true, NOW)),
    );
    expect(winners(answers)).toBe(1);
    expect((await passkeys.findByCredentialId(counted.credentialId))?.counter).toBe(4);

    const uncounted = await addPasskey(user, 0);
    if (!uncounted) throw new Error("not added");
    expect(await passkeys.recordUse(uncounted.id, 0, false, at(1000))).toBe(true);
    expect(await passkeys.recordUse(uncounted.id, 0, false, at(2000))).toBe(true);
    const used = await passkeys.findByCredentialId(uncounted.credentialId);
    expect(used).toMatchObject({ counter: 0, backedUp: false, lastUsedAt: at(2000) });
  });

  it("keeps one credential ID once, one handle per user, and each user's passkeys to them", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const first = await addPasskey(user);
    if (!first) throw new Error("not added");
    expect(
      await passkeys.addPasskey({ ...first, userId: other.id, id: randomUUID(), now: NOW }),
    ).toBeNull();

    const handles = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        passkeys.userHandle(user.id, `handle-${i}-${randomUUID()}`),
      ),
    );
    expect(new Set(handles).size).toBe(1);
    expect(await passkeys.userOfHandle(handles[0] as string)).toBe(user.id);
    // The sign-in's lookup: the credential with its owner's handle, or null for none.
    expect(await passkeys.findForAssertion(first.credentialId)).toEqual({
      passkey: await passkeys.findByCredentialId(first.credentialId),
      ownerHandle: handles[0],
    });
    expect(await passkeys.findForAssertion("no-such-credential")).toBeNull();

    expect(await passkeys.hasPasskey(user.id)).toBe(true);
    expect(await passkeys.hasPasskey(other.id)).toBe(false);
    expect(await passkeys.renamePasskey(other.id, first.id, "mine")).toBeNull();
    expect(await passkeys.renamePasskey(user.id, "not-a-uuid", "x")).toBeNull();
    expect(await passkeys.deletePasskey(other.id, first.id, NOW)).toBe(false);
    expect((await passkeys.renamePasskey(user.id, first.id, null))?.name).toBeNull();
    expect(await passkeys.deletePasskey(user.id, first.id, NOW)).toBe(true);
    expect(await passkeys.listPasskeys(user.id)).toEqual([]);
  });
});
