import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/crypto/digest.js";
import {
  type SecondFactorStore,
  secondFactorStores,
  UNCONFIRMED_FACTOR_TTL_MS,
} from "../../src/methods/totp/store.js";
import { secondFactorBatching } from "../../src/methods/totp/store-batching.js";
import { batchStores } from "../../src/storage/batching.js";
import type { Stores, UserRecord } from "../../src/storage/ports.js";
import type { Database } from "../../src/storage/schema.js";
import { type MigratedStores, openMigratedStores, winners } from "../helpers/method-store-db.js";
import { describeEachStore } from "../helpers/stores.js";

/**
 * Issue 15's second-factor store: every decision (confirm, claim a step, use a code, count a
 * failure, consume a challenge) has exactly one winner, also under concurrent callers; on
 * PostgreSQL those callers are separate connections, so the races are real.
 */
const NOW = new Date("2030-01-01T00:00:00.000Z");
const MINUTE = 60_000;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
const CONCURRENT = 10;
/** NIST SP 800-63B-4 §3.2.2: at most 100 consecutive failures before the method locks. */
const LOCK_AT = 100;

describeEachStore("second factors store", (store) => {
  let stores: Stores;
  let mfa: SecondFactorStore;
  let db: Kysely<Database>;
  let opened: MigratedStores | undefined;

  beforeAll(async () => {
    opened = await openMigratedStores(store, secondFactorStores);
    stores = opened.stores;
    mfa = stores.secondFactors;
    db = opened.db;
  });
  afterAll(() => opened?.close());

  const makeUser = (): Promise<UserRecord> =>
    (opened as MigratedStores).makeUser(NOW, "second-factors");

  const addFactor = async (user: UserRecord, now = NOW) =>
    mfa.createFactor({
      id: randomUUID(),
      userId: user.id,
      type: "totp",
      name: "phone",
      secretSealed: `sealed-${randomUUID()}`,
      now,
    });

  /** A confirmed factor whose last accepted step is `step`. */
  const confirmedFactor = async (user: UserRecord, step = 1000) => {
    const factor = await addFactor(user);
    expect(await mfa.confirmFactor(user.id, factor.id, step, NOW)).not.toBeNull();
    return factor;
  };

  /** users.second_factors, as the row holds it. */
  const secondFactorCount = async (user: UserRecord) =>
    (
      await db
        .selectFrom("users")
        .select("second_factors")
        .where("id", "=", user.id)
        .executeTakeFirstOrThrow()
    ).second_factors;
  const mfaEnabled = async (user: UserRecord) => (await stores.users.findById(user.id))?.mfaEnabled;

  const codes = (n: number) => Array.from({ length: n }, () => sha256(randomUUID()));

  describe("factors", () => {
    it("an unconfirmed factor does nothing; confirming works once, and within 15 minutes only", async () => {
      const user = await makeUser();
      const factor = await addFactor(user);
      expect(factor).toMatchObject({
        userId: user.id,
        type: "totp",
        confirmedAt: null,
        lastStep: null,
      });
      expect(await mfa.findFactor(user.id, factor.id)).toEqual(factor);
      expect(await mfa.listFactors(user.id)).toEqual([]);
      expect(await mfa.hasConfirmedFactor(user.id)).toBe(false);
      expect(await mfa.claimStep(factor.id, 5, NOW)).toBe(false);

      const other = await makeUser();
      expect(await mfa.confirmFactor(other.id, factor.id, 7, NOW)).toBeNull();
      expect(await mfa.findFactor(other.id, factor.id)).toBeNull();
      expect(await mfa.findFactor(user.id, "not-a-uuid")).toBeNull();

      expect(await mfaEnabled(user)).toBe(false);
      expect(await mfa.confirmFactor(user.id, factor.id, 7, at(MINUTE))).toEqual({ factors: 1 });
      expect(await mfa.confirmFactor(user.id, factor.id, 8, at(MINUTE))).toBeNull();
      expect(await mfaEnabled(user)).toBe(true);
      const listed = await mfa.listFactors(user.id);
      expect(listed).toEqual([
        { ...factor, confirmedAt: at(MINUTE), lastStep: 7, lastUsedAt: at(MINUTE) },
      ]);
      expect(await mfa.hasConfirmedFactor(user.id)).toBe(true);

      const late = await addFactor(user);
      expect(
        await mfa.confirmFactor(user.id, late.id, 9, at(UNCONFIRMED_FACTOR_TTL_MS)),
      ).toBeNull();
      expect((await mfa.findFactor(user.id, late.id))?.confirmedAt).toBeNull();
    });

    it("10 concurrent confirmations of one factor: exactly one", async () => {
      const user = await makeUser();
      const factor = await addFactor(user);
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          mfa.confirmFactor(user.id, factor.id, 100 + i, NOW),
        ),
      );
      expect(winners(answers)).toBe(1);
      expect(await secondFactorCount(user)).toBe(1);
    });

    it("two factors confirmed at once: counted 1 and 2 under the user's lock, never both first", async () => {
      const user = await makeUser();
      const [one, two] = [await addFactor(user), await addFactor(user)];
      const answers = await Promise.all([
        mfa.confirmFactor(user.id, one.id, 1, NOW),
        mfa.confirmFactor(user.id, two.id, 2, NOW),
      ]);
      expect(answers.map((a) => a?.factors).sort()).toEqual([1, 2]);
      expect(await secondFactorCount(user)).toBe(2);
    });

    it("the purge drops unconfirmed factors older than 15 minutes, nothing else", async () => {
      const user = await makeUser();
      const stale = await addFactor(user, at(-UNCONFIRMED_FACTOR_TTL_MS - MINUTE));
      const fresh = await addFactor(user);
      const kept = await confirmedFactor(user);
      expect(await mfa.dropStaleUnconfirmed(NOW)).toBeGreaterThanOrEqual(1);
      expect(await mfa.findFactor(user.id, stale.id)).toBeNull();
      expect(await mfa.findFactor(user.id, fresh.id)).not.toBeNull();
      expect(await mfa.findFactor(user.id, kept.id)).not.toBeNull();
    });
  });

  describe("claimStep, the replay guard (ASVS 5.0 6.5.1)", () => {
    it("accepts a step once, never an older one, nor the step that confirmed", async () => {
      const user = await makeUser();
      const factor = await confirmedFactor(user, 1000);
      expect(await mfa.claimStep(factor.id, 1000, NOW)).toBe(false);
      expect(await mfa.claimStep(factor.id, 1001, at(MINUTE))).toBe(true);
      expect(await mfa.claimStep(factor.id, 1001, at(MINUTE))).toBe(false);
      expect(await mfa.claimStep(factor.id, 999, at(MINUTE))).toBe(false);
      const found = await mfa.findFactor(user.id, factor.id);
      expect(found).toMatchObject({ lastStep: 1001, lastUsedAt: at(MINUTE) });
      expect(await mfa.claimStep(randomUUID(), 2000, NOW)).toBe(false);
    });

    it("10 concurrent claims of one step: exactly one true", async () => {
      const user = await makeUser();
      const factor = await confirmedFactor(user, 1000);
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, () => mfa.claimStep(factor.id, 1001, NOW)),
      );
      expect(winners(answers)).toBe(1);
      expect((await mfa.findFactor(user.id, factor.id))?.lastStep).toBe(1001);
    });
  });

  describe("recovery codes", () => {
    it("a code works once; 10 concurrent uses of one code: exactly one", async () => {
      const user = await makeUser();
      const set = codes(10);
      await mfa.replaceRecoveryCodes(user.id, set, NOW);
      expect(await mfa.countRecoveryCodesLeft(user.id)).toBe(10);
      expect(await mfa.useRecoveryCode(user.id, set[0] as string, NOW)).toBe(true);
      expect(await mfa.useRecoveryCode(user.id, set[0] as string, NOW)).toBe(false);
      expect(await mfa.useRecoveryCode(user.id, sha256("never issued"), NOW)).toBe(false);
      const other = await makeUser();
      expect(await mfa.useRecoveryCode(other.id, set[1] as string, NOW)).toBe(false);

      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, () =>
          mfa.useRecoveryCode(user.id, set[1] as string, NOW),
        ),
      );
      expect(winners(answers)).toBe(1);
      expect(await mfa.countRecoveryCodesLeft(user.id)).toBe(8);
    });

    it("a new set kills the earlier one, also when two replacements race", async () => {
      const user = await makeUser();
      const first = codes(10);
      await mfa.replaceRecoveryCodes(user.id, first, NOW);
      const second = codes(10);
      await mfa.replaceRecoveryCodes(user.id, second, NOW);
      expect(await mfa.useRecoveryCode(user.id, first[0] as string, NOW)).toBe(false);
      expect(await mfa.countRecoveryCodesLeft(user.id)).toBe(10);
      expect(await mfa.useRecoveryCode(user.id, second[0] as string, NOW)).toBe(true);

      await Promise.all([
        mfa.replaceRecoveryCodes(user.id, codes(10), NOW),
        mfa.replaceRecoveryCodes(user.id, codes(10), NOW),
      ]);
      expect(await mfa.countRecoveryCodesLeft(user.id)).toBe(10);
    });
  });

  describe("removing factors", () => {
    it("the last confirmed factor takes the recovery codes with it", async () => {
      const user = await makeUser();
      const one = await confirmedFactor(user);
      const two = await confirmedFactor(user);
      await mfa.replaceRecoveryCodes(user.id, codes(10), NOW);
      expect(await mfa.deleteFactor(user.id, one.id, NOW)).toBe(true);
      expect(await mfa.deleteFactor(user.id, one.id, NOW)).toBe(false);
      expect(await mfa.deleteFactor(user.id, "not-a-uuid", NOW)).toBe(false);
      expect(await mfa.countRecoveryCodesLeft(user.id)).toBe(10);
      expect(await secondFactorCount(user)).toBe(1);
      expect(await mfa.deleteFactor(user.id, two.id, NOW)).toBe(true);
      expect(await mfa.countRecoveryCodesLeft(user.id)).toBe(0);
      expect(await mfaEnabled(user)).toBe(false);
    });

    it("removing an unconfirmed factor leaves the count alone; concurrent removals count each once", async () => {
      const user = await makeUser();
      const confirmed = await Promise.all([confirmedFactor(user), confirmedFactor(user)]);
      const unconfirmed = await addFactor(user);
      expect(await mfa.deleteFactor(user.id, unconfirmed.id, NOW)).toBe(true);
      expect(await secondFactorCount(user)).toBe(2);
      await Promise.all(confirmed.map((factor) => mfa.deleteFactor(user.id, factor.id, NOW)));
      expect(await secondFactorCount(user)).toBe(0);
    });

    it("an admin's reset removes factors, codes and the failure locks", async () => {
      const user = await makeUser();
      await confirmedFactor(user);
      await addFactor(user);
      await mfa.replaceRecoveryCodes(user.id, codes(10), NOW);
      await mfa.recordFailure(user.id, "totp", NOW, 1);
      expect(await mfa.deleteAllFactors(user.id, NOW)).toBe(2);
      expect(await mfa.hasConfirmedFactor(user.id)).toBe(false);
      expect(await mfaEnabled(user)).toBe(false);
      expect(await mfa.countRecoveryCodesLeft(user.id)).toBe(0);
      expect(await mfa.failureState(user.id, "totp")).toEqual({
        consecutive: 0,
        lastFailedAt: null,
        lockedAt: null,
      });
    });
  });

  describe("challenges (the mfaToken)", () => {
    const newChallenge = (user: UserRecord, expiresAt = at(5 * MINUTE)) => {
      const tokenHash = sha256(randomUUID());
      return mfa
        .createChallenge({
          tokenHash,
          userId: user.id,
          proofs: ["pwd"],
          ip: "127.0.0.1",
          userAgent: "vitest",
          expiresAt,
          now: NOW,
        })
        .then(() => tokenHash);
    };

    it("is consumed once, by one of 10 concurrent callers", async () => {
      const user = await makeUser();
      const token = await newChallenge(user);
      expect(await mfa.findLiveChallenge(token, NOW)).toEqual({
        userId: user.id,
        proofs: ["pwd"],
        ip: "127.0.0.1",
        userAgent: "vitest",
        expiresAt: at(5 * MINUTE),
        failures: 0,
        usedAt: null,
        createdAt: NOW,
      });
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, () => mfa.consumeChallenge(token, NOW)),
      );
      expect(winners(answers)).toBe(1);
      expect(answers.find((row) => row !== null)).toMatchObject({
        userId: user.id,
        proofs: ["pwd"],
      });
      expect(await mfa.findLiveChallenge(token, NOW)).toBeNull();
    });

    it("claimStepAndConsume: the step and the challenge go together, once, under 10 concurrent answers", async () => {
      const user = await makeUser();
      const factor = await confirmedFactor(user, 1000);
      const token = await newChallenge(user);
      // A step already used claims nothing and leaves the challenge live.
      expect(await mfa.claimStepAndConsume(factor.id, 1000, token, NOW)).toEqual({
        claimed: false,
        challenge: null,
      });
      expect(await mfa.findLiveChallenge(token, NOW)).not.toBeNull();

      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, () =>
          mfa.claimStepAndConsume(factor.id, 1001, token, NOW),
        ),
      );
      expect(answers.filter((answer) => answer.claimed)).toHaveLength(1);
      expect(winners(answers.map((answer) => answer.challenge))).toBe(1);
      expect(answers.find((answer) => answer.claimed)?.challenge).toMatchObject({
        userId: user.id,
        proofs: ["pwd"],
        usedAt: NOW,
      });
      expect(await mfa.findLiveChallenge(token, NOW)).toBeNull();
      expect((await mfa.findFactor(user.id, factor.id))?.lastStep).toBe(1001);

      // A new step on a challenge already used: the step is claimed (as claimStep then
      // consumeChallenge would have), the challenge is not handed out again.
      expect(await mfa.claimStepAndConsume(factor.id, 1002, token, NOW)).toEqual({
        claimed: true,
        challenge: null,
      });
      // An expired challenge is not used up by a right code either.
      const expired = await newChallenge(user, at(MINUTE));
      expect(await mfa.claimStepAndConsume(factor.id, 1003, expired, at(MINUTE))).toEqual({
        claimed: true,
        challenge: null,
      });
    });

    it("the verify's reads, many at once and batched: each caller gets its own answer, in order", async () => {
      const [ada, bob] = [await makeUser(), await makeUser()];
      const adaFactor = await confirmedFactor(ada);
      const [adaToken, bobToken] = [await newChallenge(ada), await newChallenge(bob)];
      await mfa.recordFailure(bob.id, "totp", NOW, LOCK_AT);
      const queries = [
        { tokenHash: bobToken, now: NOW, method: "totp" as const },
        { tokenHash: sha256("no such token"), now: NOW, method: "totp" as const },
        { tokenHash: adaToken, now: NOW, method: "recovery_code" as const },
        // Expired by the query's own clock.
        { tokenHash: adaToken, now: at(6 * MINUTE), method: "totp" as const },
      ];
      const many = await mfa.findLiveChallengesWithFailures(queries);
      expect(many.map((found) => found?.challenge.userId ?? null)).toEqual([
        bob.id,
        null,
        ada.id,
        null,
      ]);
      expect(many[0]?.failures).toMatchObject({ consecutive: 1, lockedAt: null });
      expect(many[2]?.failures).toEqual({ consecutive: 0, lastFailedAt: null, lockedAt: null });
      for (const [i, query] of queries.entries()) {
        expect(
          await mfa.findLiveChallengeWithFailures(query.tokenHash, query.now, query.method),
        ).toEqual(many[i]);
      }
      expect(
        (await mfa.listFactorsOfUsers([bob.id, ada.id, bob.id])).map((f) => f.map((x) => x.id)),
      ).toEqual([[], [adaFactor.id], []]);

      // Through the composition root's decorator: 10 concurrent callers share statements.
      const batched = batchStores(stores, [secondFactorBatching]).secondFactors;
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          i % 2 === 0
            ? batched.findLiveChallengeWithFailures(adaToken, NOW, "totp")
            : batched.findLiveChallengeWithFailures(bobToken, NOW, "totp"),
        ),
      );
      expect(answers.map((found) => found?.challenge.userId)).toEqual(
        Array.from({ length: CONCURRENT }, (_, i) => (i % 2 === 0 ? ada.id : bob.id)),
      );
      const lists = await Promise.all([batched.listFactors(ada.id), batched.listFactors(bob.id)]);
      expect(lists.map((list) => list.length)).toEqual([1, 0]);
    });

    it("is found with its user's failure state for one method, in one read", async () => {
      const user = await makeUser();
      const token = await newChallenge(user);
      const none = { consecutive: 0, lastFailedAt: null, lockedAt: null };
      const found = await mfa.findLiveChallengeWithFailures(token, NOW, "totp");
      expect(found).toEqual({ challenge: await mfa.findLiveChallenge(token, NOW), failures: none });
      await mfa.recordFailure(user.id, "totp", NOW, 100);
      await mfa.recordFailure(user.id, "totp", NOW, 100);
      await mfa.recordFailure(user.id, "recovery_code", NOW, 1);
      expect((await mfa.findLiveChallengeWithFailures(token, NOW, "totp"))?.failures).toEqual({
        consecutive: 2,
        lastFailedAt: NOW,
        lockedAt: null,
      });
      expect(
        (await mfa.findLiveChallengeWithFailures(token, NOW, "recovery_code"))?.failures,
      ).toEqual({ consecutive: 1, lastFailedAt: NOW, lockedAt: NOW });
      await mfa.consumeChallenge(token, NOW);
      expect(await mfa.findLiveChallengeWithFailures(token, NOW, "totp")).toBeNull();
    });

    it("an expired challenge is neither found nor consumed, and the purge takes it", async () => {
      const user = await makeUser();
      const token = await newChallenge(user, at(MINUTE));
      expect(await mfa.findLiveChallenge(token, at(MINUTE))).toBeNull();
      expect(await mfa.consumeChallenge(token, at(MINUTE))).toBeNull();
      expect(await mfa.countChallengeFailure(token, at(MINUTE), 5)).toBeNull();
      expect(await mfa.purgeExpiredChallenges(at(MINUTE))).toBeGreaterThanOrEqual(1);
    });

    it("the 5th wrong code kills it, also when 10 arrive at once", async () => {
      const user = await makeUser();
      const token = await newChallenge(user);
      for (const expected of [1, 2, 3, 4]) {
        expect(await mfa.countChallengeFailure(token, NOW, 5)).toBe(expected);
      }
      expect(await mfa.findLiveChallenge(token, NOW)).not.toBeNull();
      expect(await mfa.countChallengeFailure(token, NOW, 5)).toBe(5);
      expect(await mfa.findLiveChallenge(token, NOW)).toBeNull();
      expect(await mfa.consumeChallenge(token, NOW)).toBeNull();
      expect(await mfa.countChallengeFailure(token, NOW, 5)).toBeNull();

      const raced = await newChallenge(user);
      const counts = await Promise.all(
        Array.from({ length: CONCURRENT }, () => mfa.countChallengeFailure(raced, NOW, 5)),
      );
      expect(counts.filter((n) => n !== null).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await mfa.consumeChallenge(raced, NOW)).toBeNull();
    });
  });

  describe("consecutive failures (NIST SP 800-63B-4 §3.2.2)", () => {
    it("100 lock the method, counted once each under concurrency; recovery codes count apart", async () => {
      const user = await makeUser();
      const first99 = await Promise.all(
        Array.from({ length: LOCK_AT - 1 }, () => mfa.recordFailure(user.id, "totp", NOW, LOCK_AT)),
      );
      expect(first99.map((state) => state.consecutive).sort((a, b) => a - b)).toEqual(
        Array.from({ length: LOCK_AT - 1 }, (_, i) => i + 1),
      );
      expect(first99.every((state) => state.lockedAt === null)).toBe(true);
      expect(await mfa.recordFailure(user.id, "totp", at(MINUTE), LOCK_AT)).toEqual({
        consecutive: 100,
        lastFailedAt: at(MINUTE),
        lockedAt: at(MINUTE),
      });
      // The lock keeps its moment, and a success does not lift it: only an admin's reset.
      expect((await mfa.recordFailure(user.id, "totp", at(2 * MINUTE), LOCK_AT)).lockedAt).toEqual(
        at(MINUTE),
      );
      await mfa.clearFailures(user.id, "totp");
      expect(await mfa.failureState(user.id, "totp")).toMatchObject({
        consecutive: 0,
        lockedAt: at(MINUTE),
      });
      expect(await mfa.failureState(user.id, "recovery_code")).toEqual({
        consecutive: 0,
        lastFailedAt: null,
        lockedAt: null,
      });
      expect((await mfa.recordFailure(user.id, "recovery_code", NOW, LOCK_AT)).consecutive).toBe(1);
    });
  });

  it("a user's deletion takes every row of theirs (ON DELETE CASCADE)", async () => {
    const user = await makeUser();
    await confirmedFactor(user);
    await mfa.replaceRecoveryCodes(user.id, codes(3), NOW);
    await mfa.recordFailure(user.id, "recovery_code", NOW, LOCK_AT);
    await mfa.createChallenge({
      tokenHash: sha256(randomUUID()),
      userId: user.id,
      proofs: ["pwd"],
      ip: null,
      userAgent: null,
      expiresAt: at(MINUTE),
      now: NOW,
    });
    await sql`delete from users where id = ${user.id}`.execute(db);
    for (const table of ["mfa_factors", "mfa_recovery_codes", "mfa_challenges", "mfa_failures"]) {
      const { rows } = await sql<{ n: number | string }>`
        select count(*) as n from ${sql.table(table)} where user_id = ${user.id}`.execute(db);
      expect([table, Number(rows[0]?.n)]).toEqual([table, 0]);
    }
  });
});
