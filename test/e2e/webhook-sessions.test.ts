import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import {
  type Account,
  call,
  createAccount,
  expectOk,
  patchUser,
  refresh,
  signIn,
} from "./admin-support.js";
import { expectNoSecrets, startWebhookApp, type WebhookApp } from "./webhook-support.js";

/** session.created and session.revoked, written by the statement that makes the change. */
describeEachStore("webhook session events", (store) => {
  let app: WebhookApp;
  beforeAll(async () => {
    app = await startWebhookApp(store);
  });
  afterAll(() => app?.close());

  const sessionIds = async (accessToken: string): Promise<string[]> =>
    expectOk(await call(app.server, "GET", "/auth/sessions", accessToken)).sessions.map(
      (s: { id: string }) => s.id,
    );
  const events = async (path: string, user: Account) =>
    (await app.deliveredTo(path))
      .filter((e) => e.data.user?.id === user.id)
      .map((e) => [e.type, e.data.sessionId]);

  it("session.created for each sign-in, naming the session GET /auth/sessions lists", async () => {
    const hook = await app.addEndpoint(["session.created"]);
    const user = await createAccount(app.server, { tag: "created" });
    const first = await signIn(app.server, user);
    const second = await signIn(app.server, user);
    const [one, two] = await Promise.all([
      sessionIds(first.accessToken),
      sessionIds(second.accessToken),
    ]);
    expect(one).toEqual(two);
    const delivered = await events(hook.path, user);
    expect(delivered.map(([type]) => type)).toEqual(["session.created", "session.created"]);
    expect(delivered.map(([, id]) => id).sort()).toEqual([...(one ?? [])].sort());
    const [event] = await app.deliveredTo(hook.path);
    expect(event?.data.user).toMatchObject({ id: user.id, email: user.email, status: "active" });
    for (const request of app.receiver.received.filter((r) => r.path === hook.path)) {
      expectNoSecrets(request.body, first.refreshToken, first.accessToken, user.password);
    }
  });

  it("writes no delivery for a sign-in when no endpoint asks for session.created", async () => {
    const hook = await app.addEndpoint(["user.deleted"]);
    await signIn(app.server, await createAccount(app.server, { tag: "unsubscribed" }));
    expect(await app.deliveredTo(hook.path)).toEqual([]);
    const log = expectOk(
      await call(app.server, "GET", `/admin/webhooks/${hook.id}/deliveries`, app.admin),
    );
    expect(log.deliveries).toEqual([]);
  });

  it("session.revoked for logout, one session ended by id, and logout-all", async () => {
    const hook = await app.addEndpoint(["session.revoked"]);
    const user = await createAccount(app.server, { tag: "revoked" });
    const [a, b, c, d] = [
      await signIn(app.server, user),
      await signIn(app.server, user),
      await signIn(app.server, user),
      await signIn(app.server, user),
    ];
    const ids = async (token: string) => {
      const me = expectOk(await call(app.server, "GET", "/auth/sessions", token));
      return me.sessions.find((s: { current: boolean }) => s.current).id as string;
    };
    const [idA, idB, idC, idD] = [
      await ids(a.accessToken),
      await ids(b.accessToken),
      await ids(c.accessToken),
      await ids(d.accessToken),
    ];
    expectOk(await app.server.post("/auth/logout", { refreshToken: a.refreshToken }));
    expectOk(await call(app.server, "DELETE", `/auth/sessions/${idB}`, d.accessToken));
    expectOk(await call(app.server, "POST", "/auth/logout-all", d.accessToken));
    // Logging out a session already ended writes nothing more.
    expectOk(await app.server.post("/auth/logout", { refreshToken: a.refreshToken }));
    const delivered = await events(hook.path, user);
    expect(delivered.slice(0, 2)).toEqual([
      ["session.revoked", idA],
      ["session.revoked", idB],
    ]);
    expect(
      delivered
        .slice(2)
        .map(([, id]) => id)
        .sort(),
    ).toEqual([idC, idD].sort());
    expect(delivered).toHaveLength(4);
  });

  it("session.revoked when a refresh token is reused, when an admin revokes and when one blocks", async () => {
    const hook = await app.addEndpoint(["session.revoked"]);
    const user = await createAccount(app.server, { tag: "reuse" });
    const stolen = await signIn(app.server, user);
    const [id] = await sessionIds(stolen.accessToken);
    expectOk(await refresh(app.server, stolen.refreshToken));
    expect((await refresh(app.server, stolen.refreshToken)).status).toBe(401);
    expect(await events(hook.path, user)).toEqual([["session.revoked", id]]);

    const other = await createAccount(app.server, { tag: "admin-revoke" });
    const ended = await signIn(app.server, other);
    const [endedId] = await sessionIds(ended.accessToken);
    expectOk(await call(app.server, "POST", `/admin/users/${other.id}/revoke-sessions`, app.admin));
    const blocked = await signIn(app.server, other);
    const [blockedId] = await sessionIds(blocked.accessToken);
    expectOk(await patchUser(app.server, app.admin, other.id, { status: "blocked" }));
    expect(await events(hook.path, other)).toEqual([
      ["session.revoked", endedId],
      ["session.revoked", blockedId],
    ]);
  });
});
