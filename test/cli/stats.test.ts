import { writeFile } from "node:fs/promises";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  CLI_TIMEOUT,
  type CliDatabase,
  describeEachDatabase,
  errorLine,
  runCli,
} from "./support.js";

describeEachDatabase("CLI stats", (makeDatabase) => {
  let database: CliDatabase;
  const cli = (args: string[], input?: string) =>
    runCli(args, database.env, input === undefined ? {} : { input });

  beforeAll(async () => {
    database = await makeDatabase();
  }, CLI_TIMEOUT);
  afterAll(() => database?.drop());

  it(
    "counts users by status and role and the legacy hashes an import left, as text and JSON",
    async () => {
      const made = await cli(
        ["create-user", "--email", "root@example.com", "--password-stdin", "--role", "admin"],
        "correct horse battery staple\n",
      );
      expect(made.code, made.stderr).toBe(0);
      // Two imported users: one blocked, both with the old system's bcrypt hash.
      const hash = await bcryptHash("imported passphrase", { cost: 4 });
      const file = `${database.dir}/users.jsonl`;
      await writeFile(
        file,
        [
          { _id: "a1", email: "a@example.com", password: hash, status: "active" },
          { _id: "b2", email: "b@example.com", password: hash, status: "blocked" },
        ]
          .map((doc) => JSON.stringify(doc))
          .join("\n"),
      );
      const imported = await cli(["import", file]);
      expect(imported.code, imported.stderr).toBe(0);

      const json = await cli(["stats", "--json"]);
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual({
        users: {
          total: 3,
          // create-user without --verified leaves the admin pending.
          byStatus: { pending: 1, active: 1, blocked: 1 },
          byRole: { user: 2, admin: 1 },
        },
        legacyPasswordHashes: 2,
        sessions: { live: 0 },
        mfa: { enabled: 0 },
      });

      const text = await cli(["stats"]);
      expect(text.code).toBe(0);
      expect(text.stdout.trimEnd().split("\n")).toEqual([
        "users                   3",
        "  pending               1",
        "  active                1",
        "  blocked               1",
        "  user                  2",
        "  admin                 1",
        "legacy password hashes  2",
        "live sessions           0",
        "users with mfa          0",
      ]);

      const extra = await cli(["stats", "now"]);
      expect(extra.code).toBe(1);
      expect(errorLine(extra)).toMatch(/stats takes no arguments/);
    },
    CLI_TIMEOUT,
  );
});
