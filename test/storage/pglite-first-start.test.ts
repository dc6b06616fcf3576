import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";

const dirs: string[] = [];

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "latchkey-pglite-"));
  dirs.push(dir);
  return join(dir, "db");
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function writeUser(dir: string, email: string): Promise<void> {
  const database = await openDatabase({ kind: "pglite", dir });
  try {
    await migrateToLatest(database.db);
    const now = new Date();
    await database.db
      .insertInto("users")
      .values({
        id: crypto.randomUUID(),
        email,
        name: null,
        username: null,
        password_hash: "x",
        status: "active",
        role: "user",
        email_verified_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  } finally {
    await database.close();
  }
}

async function readEmails(dir: string): Promise<string[]> {
  const database = await openDatabase({ kind: "pglite", dir });
  try {
    const { rows } = await sql<{
      email: string;
    }>`select email from users order by email`.execute(database.db);
    return rows.map((row) => row.email);
  } finally {
    await database.close();
  }
}

describe("PGlite in a directory", () => {
  it("initialises a new directory in a child process; data survives reopening", async () => {
    const dir = scratchDir();
    await writeUser(dir, "first@example.com");

    expect(existsSync(join(dir, "PG_VERSION"))).toBe(true);
    expect(readdirSync(dir).filter((name) => name.startsWith(".initdb-"))).toEqual([]);
    expect(existsSync(join(dir, "latchkey.lock"))).toBe(false);

    await writeUser(dir, "second@example.com");
    expect(await readEmails(dir)).toEqual(["first@example.com", "second@example.com"]);
  });

  it("replaces what an interrupted first start left", async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, ".initdb-999999", "base"), { recursive: true });
    mkdirSync(join(dir, "global"), { recursive: true });
    writeFileSync(join(dir, "global", "junk"), "left over");

    await writeUser(dir, "after-crash@example.com");

    expect(existsSync(join(dir, ".initdb-999999"))).toBe(false);
    expect(existsSync(join(dir, "global", "junk"))).toBe(false);
    expect(await readEmails(dir)).toEqual(["after-crash@example.com"]);
  });
});
