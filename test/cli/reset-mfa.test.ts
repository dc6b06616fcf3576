import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSecondFactorStore } from "../../src/methods/totp/store.js";
import { createUserStore } from "../../src/storage/stores/user-store.js";
import {
  CLI_TIMEOUT,
  type CliDatabase,
  describeEachDatabase,
  inDatabase,
  runCli,
} from "./support.js";

describeEachDatabase("latchkey reset-mfa", (makeDatabase) => {
  let database: CliDatabase;
  beforeAll(async () => {
    database = await makeDatabase();
  }, CLI_TIMEOUT);
  afterAll(() => database?.drop());

  it(
    "removes the user's factors and recovery codes, and says so",
    async () => {
      const email = "mfa-user@example.com";
      const made = await runCli(
        ["create-user", "--email", email, "--password", "long enough pw 1", "--verified"],
        database.env,
      );
      expect(made.code, made.stderr).toBe(0);
      const counts = () =>
        inDatabase(database, async (db) => {
          const user = await createUserStore(db).findByEmail(email);
          const factors = createSecondFactorStore(db);
          return {
            userId: user?.id ?? "",
            factors: (await factors.listFactors(user?.id ?? "")).length,
            codes: await factors.countRecoveryCodesLeft(user?.id ?? ""),
          };
        });
      const { userId } = await counts();
      await inDatabase(database, async (db) => {
        const factors = createSecondFactorStore(db);
        const id = randomUUID();
        const now = new Date();
        await factors.createFactor({
          id,
          userId,
          type: "totp",
          name: null,
          secretSealed: "v1.x",
          now,
        });
        expect(await factors.confirmFactor(userId, id, 1, now)).toEqual({ factors: 1 });
        await factors.replaceRecoveryCodes(userId, ["a".repeat(64), "b".repeat(64)], now);
      });
      expect(await counts()).toMatchObject({ factors: 1, codes: 2 });

      const reset = await runCli(["reset-mfa", "--email", email], database.env);
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toBe(`second factors of ${email} removed; their sessions ended\n`);
      expect(await counts()).toMatchObject({ factors: 0, codes: 0 });

      const unknown = await runCli(["reset-mfa", "--email", "nobody@example.com"], database.env);
      expect(unknown.code).not.toBe(0);
    },
    CLI_TIMEOUT,
  );
});
