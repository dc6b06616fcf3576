import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema } from "../../src/storage/drivers/postgres.js";
import type { StoreUnderTest } from "../helpers/stores.js";
import type { JsonResponse, TestServer } from "../helpers/test-server.js";
import {
  bootstrapAdminSession,
  call,
  createAccount,
  type Session,
  signIn,
  startAdminServer,
} from "./admin-support.js";
import { PASSWORD } from "./support.js";

/**
 * Issue 13 item 2: a refresh racing a revoke of the user's sessions must not outlive it.
 * Only PostgreSQL runs statements of two connections at once; PGlite runs one at a time,
 * so there is no race to lose there.
 *
 * Left to chance the losing interleaving is rare (the review saw 2 to 7 in 25 to 80
 * trials), so each trial forces it: a trigger (test-only, on this test's own schema) holds
 * the rotation's statement, after it wrote the new token and before it commits, on an
 * advisory lock this test holds. The revoke is sent once the rotation waits there, and
 * the lock let go once the revoke waits too (on a row lock). Both waits are read from
 * pg_locks: no sleeps. Afterwards the session's newest refresh token (the one a winning
 * refresh answered, else the presented one) must be refused.
 */
const TRIALS = 50;
/** The advisory lock key the trigger waits on. */
const GATE = 913_002;
/** The User-Agent of the refreshes the trigger holds: logins and later checks pass freely. */
const RACING_AGENT = "revoke-race";
const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) {
  console.warn("TEST_DATABASE_URL not set: the revoke races (PostgreSQL only) are SKIPPED");
}

const schema = `lk_race_${process.pid}_${randomBytes(4).toString("hex")}`;
const postgres: StoreUnderTest = {
  name: "PostgreSQL",
  target: () => ({ kind: "postgres", url: postgresUrl ?? "", schema }),
  cleanup: async (target) => {
    if (target.kind === "postgres" && target.schema)
      await dropSchema(postgresUrl ?? "", target.schema);
  },
};

describe.skipIf(!postgresUrl)("a refresh racing a revoke [PostgreSQL]", () => {
  let server: TestServer;
  let admin: Session;
  /** The test's own connection: holds the gate and watches pg_locks. */
  let gate: pg.Client;
  beforeAll(async () => {
    server = await startAdminServer(postgres);
    admin = await bootstrapAdminSession(server);
    gate = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${schema}` });
    await gate.connect();
    await gate.query(`
      create function hold_racing_rotation() returns trigger language plpgsql as $$
      begin
        if new.user_agent = '${RACING_AGENT}' then
          perform pg_advisory_xact_lock_shared(${GATE});
        end if;
        return new;
      end $$`);
    await gate.query(`create trigger hold_racing_rotation after insert on refresh_sessions
      for each row execute function hold_racing_rotation()`);
  });
  afterAll(async () => {
    await gate?.end();
    await server?.close();
  });

  const refresh = (token: string, agent = "checker") =>
    server.post("/auth/refresh", { refreshToken: token }, { "user-agent": agent });

  /** Polls (no sleep) until `query` answers a row; other suites share the server's locks. */
  async function until(query: string, params: unknown[]): Promise<pg.QueryResultRow> {
    for (;;) {
      const { rows } = await gate.query(query, params);
      if (rows[0]) return rows[0];
      await new Promise(setImmediate);
    }
  }

  /** The backend of the rotation, once it waits at the gate. */
  const rotationWaiting = () =>
    until("select pid from pg_locks where locktype = 'advisory' and objid = $1 and not granted", [
      GATE,
    ]);

  /** Once another backend (the revoke) waits for a lock the rotation holds. */
  const revokeBlockedBy = (pid: number) =>
    until("select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))", [pid]);

  /**
   * Runs `trials` races of a refresh of `victim`'s session against `revoke`, and answers
   * how many sessions survived: a refresh token of the revoked session that still
   * refreshes once the revoke has answered.
   */
  async function survivors(
    revoke: (victim: Session, caller: Session) => Promise<JsonResponse>,
    afterwards?: (victim: Session) => Promise<unknown>,
  ): Promise<number> {
    let survived = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const account = await createAccount(server, { tag: `race${trial}` });
      // The caller's own session (change-password keeps it) and the one that refreshes.
      const caller = await signIn(server, account);
      const victim = await signIn(server, account);
      await gate.query("select pg_advisory_lock($1)", [GATE]);
      const refreshing = refresh(victim.refreshToken, RACING_AGENT);
      const { pid } = await rotationWaiting();
      const revoking = revoke(victim, caller);
      await revokeBlockedBy(pid);
      await gate.query("select pg_advisory_unlock($1)", [GATE]);
      const [refreshed, revoked] = await Promise.all([refreshing, revoking]);
      expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
      expect([200, 401]).toContain(refreshed.status);
      await afterwards?.(victim);
      // The newest token of the session only: presenting the rotated one first would count
      // as reuse and revoke the family, hiding a survivor.
      const newest = refreshed.status === 200 ? refreshed.body.refreshToken : victim.refreshToken;
      if ((await refresh(newest)).status !== 401) survived++;
    }
    return survived;
  }

  it(`logout-all: 0 survivors in ${TRIALS} trials`, async () => {
    const count = await survivors((victim) =>
      call(server, "POST", "/auth/logout-all", victim.accessToken),
    );
    expect(count).toBe(0);
  });

  it(`change-password: 0 survivors in ${TRIALS} trials`, async () => {
    let n = 0;
    const count = await survivors((_victim, caller) =>
      call(server, "POST", "/auth/change-password", caller.accessToken, {
        currentPassword: PASSWORD,
        newPassword: `a brand new passphrase ${n++}`,
      }),
    );
    expect(count).toBe(0);
  });

  it(`admin revoke-sessions: 0 survivors in ${TRIALS} trials`, async () => {
    const count = await survivors((victim) =>
      call(server, "POST", `/admin/users/${victim.id}/revoke-sessions`, admin.accessToken),
    );
    expect(count).toBe(0);
  });

  it(`admin block: 0 survivors in ${TRIALS} trials`, async () => {
    const setStatus = (victim: Session, status: string) =>
      call(server, "PATCH", `/admin/users/${victim.id}`, admin.accessToken, { status });
    // Unblocked again before the check: a blocked user's refresh is refused anyway, and a
    // session that outlived the block would come back with the unblock.
    const count = await survivors(
      (victim) => setStatus(victim, "blocked"),
      (victim) => setStatus(victim, "active"),
    );
    expect(count).toBe(0);
  });
});
