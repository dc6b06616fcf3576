import { afterAll, beforeAll, expect, it } from "vitest";
import { registerActive } from "../../../test/e2e/support.js";
import { describeEachStore } from "../../../test/helpers/stores.js";
import { startTestServer, type TestServer } from "../../../test/helpers/test-server.js";
import {
  type AuthEvent,
  inProcessLock,
  type LatchkeyClientOptions,
  localStorageStorage,
  type TokenStorage,
} from "../src/index.js";
import { clientOf, requestsSeen, reusesSeen, sharedStore } from "./support.js";

/** ACCESS_TOKEN_TTL is the contract's default: the server's clock moves past it. */
const PAST_ACCESS_TTL = 15 * 60 + 1;

describeEachStore("@latchkey/client refresh", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  async function signedInClient(
    tag: string,
    storage?: TokenStorage,
    extra: Partial<LatchkeyClientOptions> = {},
  ) {
    const user = await registerActive(server, tag);
    const client = clientOf(server, storage, extra);
    await client.signIn({ email: user.email, password: user.password });
    return client;
  }

  it("50 concurrent calls after the access token expires: one POST /auth/refresh, all 50 succeed", async () => {
    const client = await signedInClient("single-flight");
    const events: AuthEvent[] = [];
    client.onAuthStateChange((event) => events.push(event));
    const reuses = await reusesSeen(server);

    for (const wave of [1, 2]) {
      server.clock.advance(PAST_ACCESS_TTL);
      const refreshes = await requestsSeen(server, "POST", "/auth/refresh");
      const answers = await Promise.all(Array.from({ length: 50 }, () => client.fetch("/auth/me")));
      expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
      expect(await requestsSeen(server, "POST", "/auth/refresh"), `wave ${wave}`).toBe(
        refreshes + 1,
      );
    }
    expect(events).toEqual(["TOKEN_REFRESHED", "TOKEN_REFRESHED"]);
    expect(await reusesSeen(server)).toBe(reuses);
    expect((await client.sessions.list()).filter((s) => s.current)).toHaveLength(1);
  });

  it("two clients on one shared storage (two tabs): one refresh between them, no reuse", async () => {
    const shared = sharedStore();
    const lock = inProcessLock();
    const tabA = await signedInClient("two-tabs", localStorageStorage("lk", shared), { lock });
    const tabB = clientOf(server, localStorageStorage("lk", shared), { lock });
    expect(tabB.session?.stamp).toBe(tabA.session?.stamp);
    const reuses = await reusesSeen(server);

    server.clock.advance(PAST_ACCESS_TTL);
    const refreshes = await requestsSeen(server, "POST", "/auth/refresh");
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? tabA : tabB).fetch("/auth/me")),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await requestsSeen(server, "POST", "/auth/refresh")).toBe(refreshes + 1);
    expect(await reusesSeen(server)).toBe(reuses);
    expect(tabB.session?.stamp).toBe(tabA.session?.stamp);
  });

  it("a refused refresh (the session was revoked) signs the client out and hands back the 401", async () => {
    const client = await signedInClient("revoked");
    const events: AuthEvent[] = [];
    client.onAuthStateChange((event) => events.push(event));
    await client.signOutEverywhere();
    expect(events).toEqual(["SIGNED_OUT"]);

    const again = await signedInClient("revoked-elsewhere");
    const elsewhere = clientOf(server);
    const me = await again.me();
    await elsewhere.signIn({ email: me.user.email, password: "correct horse battery staple" });
    await elsewhere.signOutEverywhere();
    server.clock.advance(PAST_ACCESS_TTL);
    const answer = await again.fetch("/auth/me");
    expect(answer.status).toBe(401);
    expect(again.session).toBeNull();
  });
});
