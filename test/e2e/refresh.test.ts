import { decodeJwt } from "jose";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  expectSessionCookies,
  expectTokenBundle,
  loginOk,
  registerUnverified,
  setCookies,
} from "./support.js";

describeEachStore("POST /auth/refresh", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store,
      env: { REQUIRE_EMAIL_VERIFICATION: "false", REFRESH_TOKEN_TTL: "1h" },
    });
  });
  afterAll(() => server?.close());

  /** An active user and the token bundle of its first session. */
  async function signUp(tag: string) {
    const user = await registerUnverified(server, tag);
    expect(typeof user.res.body.refreshToken).toBe("string");
    return user;
  }

  const refresh = (refreshToken: unknown) => server.post("/auth/refresh", { refreshToken });
  const expectDead = async (refreshToken: string) =>
    expectError(await refresh(refreshToken), 401, "INVALID_REFRESH_TOKEN");

  it("with the token in the body: a new pair and rotated cookies; the old token is dead", async () => {
    const { res: first } = await signUp("body");
    const old = first.body.refreshToken as string;
    const res = await refresh(old);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectTokenBundle(res);
    expectSessionCookies(res, false);
    expect(res.body.refreshToken).not.toBe(old);
    expect(res.body.accessToken).not.toBe(first.body.accessToken);
    expect(setCookies(res).get("refreshToken")?.value).toBe(res.body.refreshToken);
    expect(setCookies(res).get("refreshToken")?.attributes.get("max-age")).toBe("3600");
    // The new token works before the old one is presented (which would be reuse).
    const next = await refresh(res.body.refreshToken);
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    await expectDead(old);
  });

  it("a token is its session's: another session's id with this secret, or a secret changed, is refused and ends nothing", async () => {
    const { res: mine } = await signUp("mine");
    const { res: theirs } = await signUp("theirs");
    const [, mySecret] = (mine.body.refreshToken as string).split(".");
    const [theirId, theirSecret] = (theirs.body.refreshToken as string).split(".");
    await expectDead(`${theirId}.${mySecret}`);
    await expectDead(
      `${theirId}.${theirSecret?.slice(0, -1)}${theirSecret?.endsWith("A") ? "B" : "A"}`,
    );
    // The secret alone, as a token of the earlier format, names nothing either.
    await expectDead(theirSecret ?? "");
    // Not reuse: both sessions still refresh.
    expect((await refresh(mine.body.refreshToken)).status).toBe(200);
    expect((await refresh(theirs.body.refreshToken)).status).toBe(200);
  });

  it("with the refreshToken cookie: a new pair; the old token is dead", async () => {
    const { res: first } = await signUp("cookie");
    const old = first.body.refreshToken as string;
    const res = await server.post("/auth/refresh", undefined, { cookie: `refreshToken=${old}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectTokenBundle(res);
    expectSessionCookies(res, false);
    expect(res.body.refreshToken).not.toBe(old);
    const viaCookie = await server.post("/auth/refresh", undefined, {
      cookie: `refreshToken=${old}`,
    });
    expectError(viaCookie, 401, "INVALID_REFRESH_TOKEN");
  });

  it("reuse of a rotated token: 401 and its whole family dies; another family still works", async () => {
    const { email, res: first } = await signUp("reuse");
    const other = await loginOk(server, email);
    const t0 = first.body.refreshToken as string;
    const r1 = await refresh(t0);
    expect(r1.status).toBe(200);
    const r2 = await refresh(r1.body.refreshToken);
    expect(r2.status).toBe(200);

    await expectDead(t0);
    // The newest token of that family, never presented before, is dead too.
    await expectDead(r2.body.refreshToken);
    await expectDead(r1.body.refreshToken);

    const fine = await refresh(other.body.refreshToken);
    expect(fine.status, JSON.stringify(fine.body)).toBe(200);
  });

  it("unknown, empty or missing token: 401 INVALID_REFRESH_TOKEN", async () => {
    await expectDead("x".repeat(43));
    expectError(await refresh(""), 401, "INVALID_REFRESH_TOKEN");
    expectError(await server.post("/auth/refresh", {}), 401, "INVALID_REFRESH_TOKEN");
    expectError(await server.post("/auth/refresh", undefined), 401, "INVALID_REFRESH_TOKEN");
    expectError(
      await server.post("/auth/refresh", undefined, { cookie: "refreshToken=" }),
      401,
      "INVALID_REFRESH_TOKEN",
    );
  });

  it("an expired token (past REFRESH_TOKEN_TTL=1h): 401", async () => {
    const { res: first } = await signUp("expired");
    server.clock.advance(3600 + 1);
    await expectDead(first.body.refreshToken);
  });

  it("a blocked user cannot refresh: 401", async () => {
    const { userId, res: first } = await signUp("blocked");
    await server.runtime.deps.stores.users.update(userId, { status: "blocked" }, server.clock());
    await expectDead(first.body.refreshToken);
  });

  it("the new access token works on /auth/me and carries the same sid as before rotation", async () => {
    const { userId, res: first } = await signUp("sid");
    const res = await refresh(first.body.refreshToken);
    expect(res.status).toBe(200);
    const before = decodeJwt(first.body.accessToken);
    const after = decodeJwt(res.body.accessToken);
    expect(typeof before.sid).toBe("string");
    expect(after.sid).toBe(before.sid);
    expect(after.sub).toBe(userId);
    expect(after.jti).not.toBe(before.jti);
    const me = await server.get("/auth/me", { authorization: `Bearer ${res.body.accessToken}` });
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.user.id).toBe(userId);
  });

  it.skipIf(store.name !== "PostgreSQL")(
    "10 concurrent refreshes of one token: exactly one 200, no family with two live rows",
    async () => {
      const { userId, res: first } = await signUp("race");
      const token = first.body.refreshToken as string;
      const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(token)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const loser of answers.filter((a) => a.status !== 200)) {
        expectError(loser, 401, "INVALID_REFRESH_TOKEN");
      }
      const { db } = server.runtime.database;
      const families = await db
        .selectFrom("refresh_sessions")
        .select(["family_id", sql<number>`count(*)::int`.as("live")])
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .groupBy("family_id")
        .execute();
      for (const family of families) expect(Number(family.live)).toBeLessThanOrEqual(1);
      const rows = await db
        .selectFrom("refresh_sessions")
        .select("id")
        .where("user_id", "=", userId)
        .execute();
      // The first token and exactly one replacement: losers inserted nothing.
      expect(rows).toHaveLength(2);
    },
  );
});
