import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPasswordHasher } from "../../src/crypto/password.js";
import { createStores } from "../../src/storage/stores/index.js";
import {
  CLI_TIMEOUT,
  type CliDatabase,
  describeEachDatabase,
  inDatabase,
  runCli,
} from "./support.js";

const PASSWORD = "secret-password-1";
const oid = (n: number) => ({ $oid: `64b0000000000000000000${String(n).padStart(2, "0")}` });

interface Fixtures {
  jsonl: string;
  jsonlLines: string[];
  pretty: string;
  /** Lines where the bad records of the pretty array start. */
  prettyBadRole: number;
  prettyConflict: number;
  oneLine: string;
}

async function writeFixtures(dir: string): Promise<Fixtures> {
  // One hash per bcrypt prefix the older systems wrote; cost 4 keeps the test fast.
  const [h2a, h2b, h2y] = await Promise.all(
    (["2a", "2b", "2y"] as const).map((version) => bcryptHash(PASSWORD, { cost: 4, version })),
  );
  const jsonlLines = [
    // 1: canonical Extended JSON, isVerified, admin
    JSON.stringify({
      _id: oid(1),
      email: "Canon@Example.com",
      password: h2a,
      name: "Canon User",
      isVerified: true,
      role: "admin",
      createdAt: { $date: { $numberLong: "1577836800000" } },
      __v: { $numberInt: "0" },
    }),
    // 2: relaxed Extended JSON, verified, username
    JSON.stringify({
      _id: oid(2),
      email: "relaxed@example.com",
      password: h2b,
      username: "relaxed.user",
      verified: true,
      createdAt: { $date: "2021-02-03T04:05:06.789Z" },
    }),
    // 3: emailVerified but blocked; no createdAt: the ObjectId's time
    JSON.stringify({
      _id: oid(3),
      email: "emailverified@example.com",
      password: h2y,
      emailVerified: true,
      status: "blocked",
    }),
    "{not json",
    JSON.stringify({
      _id: "legacy-5",
      email: "pending@example.com",
      password: h2a,
      status: "pending",
    }),
    "",
    JSON.stringify({
      _id: "legacy-7",
      email: "isblocked@example.com",
      password: h2a,
      isBlocked: true,
      isVerified: true,
    }),
    JSON.stringify({ _id: "legacy-8", email: "not-an-email", password: h2a }),
    JSON.stringify({ _id: "legacy-9", email: "plain@example.com", password: "hunter2" }),
    // 10: mongoexport before 4.2 wrote $date as bare milliseconds
    JSON.stringify({
      _id: 10,
      email: "v1date@example.com",
      password: h2b,
      status: "active",
      role: "user",
      createdAt: { $date: 1262304000000 },
    }),
  ];
  const jsonl = join(dir, "users.jsonl");
  await writeFile(jsonl, `${jsonlLines.join("\n")}\n`);

  // mongoexport --jsonArray --pretty: tab-indented objects, one per several lines.
  const prettyObjects = [
    {
      _id: oid(11),
      email: "array1@example.com",
      password: h2b,
      isVerified: true,
      createdAt: { $date: "2022-01-01T00:00:00Z" },
    },
    { _id: oid(12), email: "array2@example.com", password: h2b, name: "Array Two" },
    { _id: oid(13), email: "badrole@example.com", password: h2b, role: "root" },
    { _id: oid(99), email: "canon@example.com", password: h2b },
  ];
  let text = "[\n";
  const starts: number[] = [];
  for (const [index, object] of prettyObjects.entries()) {
    starts.push(text.split("\n").length);
    text += `\t${JSON.stringify(object, null, "\t").replaceAll("\n", "\n\t")}${index < prettyObjects.length - 1 ? "," : ""}\n`;
  }
  text += "]\n";
  const pretty = join(dir, "users.pretty.json");
  await writeFile(pretty, text);

  // mongoexport --jsonArray: the whole array on one line.
  const oneLine = join(dir, "users.array.json");
  await writeFile(oneLine, `[${prettyObjects.map((o) => JSON.stringify(o)).join(",")}]\n`);
  return {
    jsonl,
    jsonlLines,
    pretty,
    prettyBadRole: starts[2] ?? 0,
    prettyConflict: starts[3] ?? 0,
    oneLine,
  };
}

describeEachDatabase("CLI import and export", (makeDatabase) => {
  let database: CliDatabase;
  let fixtures: Fixtures;
  const cli = (args: string[]) => runCli(args, database.env);

  beforeAll(async () => {
    database = await makeDatabase();
    fixtures = await writeFixtures(database.dir);
  }, CLI_TIMEOUT);
  afterAll(() => database?.drop());

  it(
    "checks a one-line JSON array without writing anything (--dry-run)",
    async () => {
      const dry = await cli(["import", fixtures.oneLine, "--dry-run"]);
      expect(dry.stdout).toMatch(
        /^dry run, nothing written: read 4, valid 3, rejected 1 in [\d.]+ s \(\d+ users\/s\)\n$/,
      );
      expect(dry.stderr.trim()).toBe('line 1: role: must be one of user, admin, not "root"');
      expect(dry.code).toBe(2);
    },
    CLI_TIMEOUT,
  );

  it(
    "imports JSON lines, reports bad lines by number and keeps them in --errors-to",
    async () => {
      const errorsTo = join(database.dir, "rejected.jsonl");
      const run = await cli(["import", fixtures.jsonl, "--errors-to", errorsTo]);
      expect(run.stdout).toMatch(
        /^read 9, created 6, existing 0, rejected 3 in [\d.]+ s \(\d+ users\/s\)\n$/,
      );
      expect(run.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/^line 4: not valid JSON/),
        "line 8: email: Email is not a valid address.",
        "line 9: password: not a bcrypt hash ($2a$, $2b$ or $2y$)",
      ]);
      expect(run.code).toBe(2);
      const rejected = (await readFile(errorsTo, "utf8")).trimEnd().split("\n");
      expect(rejected).toEqual([
        fixtures.jsonlLines[3],
        fixtures.jsonlLines[7],
        fixtures.jsonlLines[8],
      ]);
    },
    CLI_TIMEOUT,
  );

  it(
    "imports a --pretty JSON array, with the line each bad object starts on, and refuses another user's email",
    async () => {
      const run = await cli(["import", fixtures.pretty]);
      expect(run.stdout).toMatch(
        /^read 4, created 2, existing 0, rejected 2 \(1 conflicting with other users\) in /,
      );
      expect(run.stderr.trim().split("\n")).toEqual([
        `line ${fixtures.prettyBadRole}: role: must be one of user, admin, not "root"`,
        `line ${fixtures.prettyConflict}: canon@example.com already belongs to another user (a different _id); not imported`,
      ]);
      expect(run.code).toBe(2);
    },
    CLI_TIMEOUT,
  );

  it(
    "is idempotent: a second run creates nothing",
    async () => {
      const again = await cli(["import", fixtures.jsonl]);
      expect(again.stdout).toMatch(/^read 9, created 0, existing 6, rejected 3 in /);
    },
    CLI_TIMEOUT,
  );

  it(
    "maps every field alias, and the imported bcrypt hashes verify and ask for an upgrade",
    async () => {
      await inDatabase(database, async (db) => {
        const users = createStores(db).users;
        const byEmail = async (email: string) => {
          const user = await users.findByEmail(email);
          if (!user) throw new Error(`${email} was not imported`);
          return user;
        };
        expect(await byEmail("canon@example.com")).toMatchObject({
          name: "Canon User",
          role: "admin",
          status: "active",
          legacyId: "64b000000000000000000001",
          createdAt: new Date("2020-01-01T00:00:00.000Z"),
          emailVerifiedAt: new Date("2020-01-01T00:00:00.000Z"),
        });
        expect(await byEmail("relaxed@example.com")).toMatchObject({
          username: "relaxed.user",
          status: "active",
          createdAt: new Date("2021-02-03T04:05:06.789Z"),
          emailVerifiedAt: new Date("2021-02-03T04:05:06.789Z"),
        });
        const blocked = await byEmail("emailverified@example.com");
        expect(blocked).toMatchObject({
          status: "blocked",
          createdAt: new Date(0x64b00000 * 1000),
        });
        expect(blocked.emailVerifiedAt).not.toBeNull();
        expect(await byEmail("pending@example.com")).toMatchObject({
          status: "pending",
          emailVerifiedAt: null,
          legacyId: "legacy-5",
        });
        expect(await byEmail("isblocked@example.com")).toMatchObject({ status: "blocked" });
        expect(await byEmail("v1date@example.com")).toMatchObject({
          status: "active",
          // Active in the old system and no flag saying otherwise: verified since creation.
          emailVerifiedAt: new Date("2010-01-01T00:00:00.000Z"),
          legacyId: "10",
          createdAt: new Date("2010-01-01T00:00:00.000Z"),
        });
        expect(await byEmail("array2@example.com")).toMatchObject({
          name: "Array Two",
          status: "pending",
        });
        expect(await users.findByEmail("badrole@example.com")).toBeNull();
        // The conflicting record did not touch the user who owns the email.
        expect((await byEmail("canon@example.com")).legacyId).toBe("64b000000000000000000001");

        const hasher = await createPasswordHasher({ memoryKib: 19456, iterations: 2 });
        for (const [email, prefix] of [
          ["canon@example.com", "$2a$"],
          ["relaxed@example.com", "$2b$"],
          ["emailverified@example.com", "$2y$"],
        ] as const) {
          const { passwordHash } = await byEmail(email);
          expect(passwordHash.startsWith(prefix)).toBe(true);
          expect(await hasher.verify(passwordHash, PASSWORD), email).toEqual({
            ok: true,
            needsRehash: true,
          });
          expect((await hasher.verify(passwordHash, "wrong-password")).ok).toBe(false);
        }
      });
    },
    CLI_TIMEOUT,
  );

  it(
    "exports JSON lines without secrets, with hashes on request, in a form import reads back",
    async () => {
      const plain = await cli(["export"]);
      expect(plain.code).toBe(0);
      const lines = plain.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(8);
      for (const user of lines) {
        expect(Object.keys(user)).toEqual([
          "id",
          "email",
          "name",
          "username",
          "status",
          "role",
          "emailVerified",
          "mfaEnabled",
          "createdAt",
          "legacyId",
          "locale",
        ]);
      }
      expect(plain.stdout).not.toMatch(/passwordHash|\$2[aby]\$/);
      expect(lines.find((u) => u.email === "canon@example.com")).toMatchObject({
        role: "admin",
        emailVerified: true,
        createdAt: "2020-01-01T00:00:00.000Z",
        legacyId: "64b000000000000000000001",
      });

      const out = join(database.dir, "export.jsonl");
      const withHashes = await cli(["export", "--with-hashes", "--out", out]);
      expect(withHashes.stdout).toBe("");
      expect(withHashes.stderr.trim()).toBe(`exported 8 users to ${out}`);
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      const exported = (await readFile(out, "utf8"))
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(exported.map((u) => u.passwordHash)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^\$2a\$04\$/)]),
      );
      expect(exported.every((u) => typeof u.passwordHash === "string")).toBe(true);

      const readBack = await cli(["import", out, "--dry-run"]);
      expect(readBack.stdout).toMatch(/^dry run, nothing written: read 8, valid 8, rejected 0 in /);
      expect(readBack.code).toBe(0);
    },
    CLI_TIMEOUT,
  );
});
