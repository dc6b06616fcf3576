import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeMongoexport } from "../../bench/mongoexport.js";
import {
  CLI_TIMEOUT,
  type CliDatabase,
  describeEachDatabase,
  inDatabase,
  runCli,
} from "./support.js";

const USERS = 25_000;
const BATCH = 500;
/** The first run is killed once this many records are committed. */
const KILL_AFTER = 5_000;

/** Kills `pid` (SIGKILL: no handler runs, as in a crash) once the checkpoint passes `records`. */
function killWhenCheckpointed(checkpoint: string, records: number, pid: number): () => void {
  const timer = setInterval(async () => {
    const text = await readFile(checkpoint, "utf8").catch(() => "");
    const done = text ? (JSON.parse(text) as { records: number }).records : 0;
    if (done >= records) {
      clearInterval(timer);
      process.kill(pid, "SIGKILL");
    }
  }, 20);
  return () => clearInterval(timer);
}

describeEachDatabase("CLI import resumed after it was killed", (makeDatabase) => {
  let database: CliDatabase;
  let file: string;

  beforeAll(async () => {
    database = await makeDatabase();
    file = join(database.dir, "users.jsonl");
    await writeMongoexport(file, USERS);
  }, CLI_TIMEOUT);
  afterAll(() => database?.drop());

  it(
    "goes on from its checkpoint and imports every user exactly once",
    async () => {
      const checkpoint = `${file}.checkpoint`;
      let stop = () => {};
      const killed = await runCli(["import", file, "--batch-size", String(BATCH)], database.env, {
        onSpawn: (pid) => {
          stop = killWhenCheckpointed(checkpoint, KILL_AFTER, pid);
        },
      });
      stop();
      expect(killed.code).toBeNull();
      const saved = JSON.parse(await readFile(checkpoint, "utf8")) as { records: number };
      expect(saved.records).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(saved.records).toBeLessThan(USERS);
      expect(saved.records % BATCH).toBe(0);

      const resumed = await runCli(["import", file, "--batch-size", String(BATCH)], database.env);
      expect(resumed.code).toBe(0);
      const lines = resumed.stderr.trim().split("\n");
      expect(lines[0]).toMatch(/^resuming: the first (\d+) records were imported before/);
      const skipped = Number(/first (\d+) records/.exec(lines[0] ?? "")?.[1]);
      expect(skipped).toBeGreaterThanOrEqual(saved.records);
      // Not a terminal: a plain line each 10,000 records, the skipped ones counted.
      expect(lines.slice(1)).toHaveLength(2);
      for (const line of lines.slice(1)) {
        expect(line).toMatch(/^\d{2},000 users read \([\d,]+ users\/s, \d+% of the file\)$/);
      }
      const summary = /^read (\d+), created (\d+), existing (\d+), rejected 0 /m.exec(
        resumed.stdout,
      );
      const [read, created, existing] = (summary?.slice(1) ?? []).map(Number);
      expect(read).toBe(USERS);
      expect((created ?? 0) + (existing ?? 0)).toBe(USERS);
      // At most the batch committed between the kill and its checkpoint is offered again.
      expect(existing).toBeLessThanOrEqual(BATCH);
      await expect(readFile(checkpoint)).rejects.toMatchObject({ code: "ENOENT" });

      const counts = await inDatabase(database, async (db) => {
        const { rows } = await sql<{ users: number; ids: number; emails: number }>`
          select count(*)::int as users, count(distinct legacy_id)::int as ids,
            count(distinct email)::int as emails from users`.execute(db);
        return rows[0];
      });
      expect(counts).toEqual({ users: USERS, ids: USERS, emails: USERS });
    },
    CLI_TIMEOUT,
  );
});
