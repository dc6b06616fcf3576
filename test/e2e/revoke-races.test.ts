import { randomBytes } from "node:crypto";
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
 * so there is no race to lose there. Each trial starts the refresh and the revoke in the
 * same tick; afterwards every refresh token the user's revoked session ever held (the
 * presented one, and the one a winning refresh answered) must be refused.
 */
const TRIALS = 50;
const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) {
  console.warn("TEST_DATABASE_URL not set: the revoke races (PostgreSQL only) are SKIPPED");
}

const postgres: StoreUnderTest = {
  name: "PostgreSQL",
  target: () => ({
    kind: "postgres",
    url: postgresUrl ?? "",
    schema: `lk_race_${process.pid}_${randomBytes(4).toString("hex")}`,
  }),
  cleanup: async (target) => {
    if (target.kind === "postgres" && target.schema)
      await dropSchema(postgresUrl ?? "", target.schema);
  },
};

describe.skipIf(!postgresUrl)("a refresh racing a revoke [PostgreSQL]", () => {
  let server: TestServer;
  let admin: Session;
  beforeAll(async () => {
    server = await startAdminServer(postgres);
    admin = await bootstrapAdminSession(server);
  });
  afterAll(() => server?.close());

  const refresh = (token: string) => server.post("/auth/refresh", { refreshToken: token });

  /**
   * Runs `trials` races of a refresh of `victim`'s session against `revoke`, and answers
   * how many sessions survived: a refresh token of the revoked session that still
   * refreshes once the revoke has answered.
   */
  async function survivors(
    revoke: (victim: Session, caller: Session) => Promise<JsonResponse>,
  ): Promise<number> {
    let survived = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const account = await createAccount(server, { tag: `race${trial}` });
      // The caller's own session (change-password keeps it) and the one that refreshes.
      const caller = await signIn(server, account);
      const victim = await signIn(server, account);
      const [refreshed, revoked] = await Promise.all([
        refresh(victim.refreshToken),
        revoke(victim, caller),
      ]);
      expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
      expect([200, 401]).toContain(refreshed.status);
      const held = [victim.refreshToken];
      if (refreshed.status === 200) held.push(refreshed.body.refreshToken);
      for (const token of held) {
        if ((await refresh(token)).status !== 401) survived++;
      }
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
    const count = await survivors((victim) =>
      call(server, "PATCH", `/admin/users/${victim.id}`, admin.accessToken, {
        status: "blocked",
      }),
    );
    expect(count).toBe(0);
  });
});
