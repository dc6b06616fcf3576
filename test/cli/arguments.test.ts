import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { CLI_TIMEOUT, errorLine, inParallel, runCli } from "./support.js";

// Bad arguments are refused before any database is opened: one line, exit 1, on any backend.
describe("CLI arguments", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lk-cli-args-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    "answers every command's --help with its usage, exit 0",
    async () => {
      const names = Object.keys(COMMANDS);
      const results = await inParallel(
        3,
        names.map((name) => () => runCli([name, "--help"], { DATA_DIR: dir })),
      );
      for (const [index, result] of results.entries()) {
        const name = names[index];
        const label = `${name}: ${result.stderr}`;
        expect(result.code, label).toBe(0);
        expect(result.stdout, label).toMatch(new RegExp(`^Usage: latchkey ${name}\\b`));
        expect(result.stderr, name).toBe("");
      }
      const overview = await runCli(["--help"], { DATA_DIR: dir });
      expect(overview.code).toBe(0);
      for (const name of names) expect(overview.stdout).toContain(`  ${name} `);
    },
    CLI_TIMEOUT,
  );

  const cases: [args: string[], line: RegExp, env?: Record<string, string>][] = [
    [[], /^Usage: latchkey/],
    [["frobnicate"], /^latchkey: unknown command "frobnicate"/],
    [["create-user"], /^latchkey: missing --email$/],
    [["create-user", "--email", "x@example.com"], /missing --password or --password-stdin/],
    [
      ["create-user", "--email", "nope", "--password", "long-enough-1"],
      /^latchkey: --email: Email is not a valid address\.$/,
    ],
    [
      ["create-user", "--email", "x@example.com", "--password", "long-enough-1", "--role", "root"],
      /^latchkey: --role must be "user" or "admin", not "root"$/,
    ],
    [
      ["create-user", "--email", "x@example.com", "--password", "p", "--password-stdin"],
      /not both/,
    ],
    [
      ["create-user", "--email", "x@example.com", "--password-stdin", "--username", "a b"],
      /^latchkey: --username: Username must be/,
    ],
    [
      ["create-user", "--email"],
      /^latchkey: option '--email <value>' argument missing; run latchkey create-user --help$/,
    ],
    [
      ["create-user", "--bogus"],
      /^latchkey: unknown option '--bogus'; run latchkey create-user --help$/,
    ],
    [["set-role", "--email", "x@example.com"], /^latchkey: missing --role/],
    [["set-role", "--email", "x@example.com", "--role", "owner"], /--role must be/],
    [
      [
        "set-role",
        "--email",
        "x@example.com",
        "--id",
        "0b0e9a52-1c1e-4c43-9f55-3c4a8e6f0a11",
        "--role",
        "user",
      ],
      /give --email or --id, not both/,
    ],
    [["block"], /^latchkey: missing --email \(or --id\)$/],
    [["unblock", "--id", "42"], /^latchkey: --id must be a user id/],
    [["delete-user", "--email", "x@example.com"], /add --yes to confirm$/],
    [
      ["list-users", "--status", "gone"],
      /^latchkey: --status must be "pending", "active" or "blocked"/,
    ],
    [["list-users", "--limit", "0"], /^latchkey: --limit must be a positive whole number/],
    [["list-users", "extra"], /list-users takes no arguments/],
    [["import"], /^latchkey: missing the file to import/],
    [["import", "a.json", "b.json"], /import takes one file/],
    [
      ["import", "/nonexistent/users.json"],
      /^latchkey: cannot read \/nonexistent\/users\.json: ENOENT$/,
    ],
    [["import", "x.json", "--batch-size", "-1"], /argument|--batch-size/],
    [
      ["import", "package.json", "--errors-to", "/nonexistent/rejected.jsonl"],
      /^latchkey: cannot write --errors-to \/nonexistent\/rejected\.jsonl: ENOENT$/,
    ],
    [
      ["import", "package.json", "--errors-to", "package.json"],
      /must not be the file being imported/,
    ],
    [
      ["export", "--out", "/nonexistent/users.jsonl"],
      /^latchkey: cannot write --out \/nonexistent\/users\.jsonl: ENOENT$/,
    ],
    [["rotate-keys", "now"], /rotate-keys takes no arguments/],
    [
      ["rotate-keys"],
      /^latchkey: JWT_SECRET is set, so access tokens are HS256 .* no keys to rotate/,
      { JWT_SECRET: "x".repeat(40) },
    ],
    [["migrate"], /^latchkey: ACCESS_TOKEN_TTL: /, { ACCESS_TOKEN_TTL: "soon" }],
  ];

  it(
    "refuses bad arguments with one line and exit 1",
    async () => {
      const results = await inParallel(
        3,
        cases.map(
          ([args, , env]) =>
            () =>
              runCli(args, { DATA_DIR: dir, ...env }),
        ),
      );
      for (const [index, result] of results.entries()) {
        const [args, line] = cases[index] as (typeof cases)[number];
        const label = `${args.join(" ") || "(no arguments)"}: ${result.stderr}`;
        expect(result.code, label).toBe(1);
        // No arguments at all: the usage goes to stdout, like --help, but the exit code says no.
        const text = args.length === 0 ? result.stdout.split("\n")[0] : errorLine(result);
        expect(text, label).toMatch(line);
      }
    },
    CLI_TIMEOUT * 2,
  );

  it(
    "says in one line that the embedded database is held by another process",
    async () => {
      const held = await mkdtemp(join(tmpdir(), "lk-cli-held-"));
      try {
        // What a running server leaves: the lock naming a live process (this one).
        await mkdir(join(held, "db"));
        await writeFile(join(held, "db", "latchkey.lock"), String(process.pid));
        const result = await runCli(["list-users"], { DATA_DIR: held });
        expect(result.code).toBe(1);
        expect(errorLine(result)).toBe(
          `latchkey: The embedded database in ${join(held, "db")} is in use by process ${process.pid}. Stop the server first, or set DATABASE_URL to use PostgreSQL.`,
        );
      } finally {
        await rm(held, { recursive: true, force: true });
      }
    },
    CLI_TIMEOUT,
  );
});
