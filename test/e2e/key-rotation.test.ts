import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseTarget } from "../../src/storage/database.js";
import type { StoreUnderTest } from "../helpers/stores.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const PASSWORD = "rotation passphrase 9";

/** Two servers on one database, as two instances behind a load balancer. */
describeEachStore("key rotation across instances", (store) => {
  if (store.name !== "PostgreSQL") {
    it.skip("needs a database two servers can share (PostgreSQL)", () => {});
    return;
  }
  let shared: DatabaseTarget;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    shared = store.target();
    const sharedStore: StoreUnderTest = { ...store, target: () => shared, cleanup: async () => {} };
    const env = { REQUIRE_EMAIL_VERIFICATION: "false" };
    a = await startTestServer({ store: sharedStore, env, keyReloadIntervalMs: 300 });
    // B would not re-read keys on its own within the test: only an unknown kid makes it.
    b = await startTestServer({ store: sharedStore, env, keyReloadIntervalMs: 600_000 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await store.cleanup(shared);
  });

  it("a key rotated on one instance signs tokens that verify on the other at once", async () => {
    const registered = await a.post("/auth/register", {
      email: "rotate@example.com",
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const oldKid = decodeProtectedHeader(registered.body.accessToken).kid;

    const keys = a.runtime.deps.stores.keys;
    const ringA = await import("../../src/crypto/key-ring.js").then(({ KeyRing }) =>
      KeyRing.load(keys, new Date()),
    );
    const newKid = await ringA.rotate(keys, new Date(), 20 * 60);
    // Instance A learns the new key on its next reload; log in there once it signs with it.
    await expect
      .poll(
        async () => {
          const login = await a.post("/auth/login", {
            email: "rotate@example.com",
            password: PASSWORD,
          });
          return decodeProtectedHeader(login.body.accessToken).kid;
        },
        { timeout: 5_000 },
      )
      .toBe(newKid);
    const login = await a.post("/auth/login", { email: "rotate@example.com", password: PASSWORD });

    // B has never seen the new kid: the token makes it re-read the keys, then verifies.
    const me = await b.get("/auth/me", { authorization: `Bearer ${login.body.accessToken}` });
    expect(me.status).toBe(200);
    // The old key still verifies (it stays published until its tokens have expired).
    const old = await b.get("/auth/me", { authorization: `Bearer ${registered.body.accessToken}` });
    expect(old.status).toBe(200);

    await expect
      .poll(
        async () =>
          (await b.get("/.well-known/jwks.json")).body.keys
            .map((k: { kid: string }) => k.kid)
            .sort(),
        {
          timeout: 5_000,
        },
      )
      .toEqual([oldKid, newKid].sort());
  });
});
