import { decodeProtectedHeader } from "jose";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { KeyRing } from "../../../src/crypto/key-ring.js";
import { describeEachStore } from "../../../test/helpers/stores.js";
import type { TestServer } from "../../../test/helpers/test-server.js";
import { AccessDenied } from "../src/errors.js";
import { createVerifier } from "../src/verify.js";
import { AUDIENCE, issuerOf, startLatchkey, userToken } from "./support.js";

/**
 * `latchkey rotate-keys` while a service verifies: no restart, no configuration. jose fetches
 * the JWKS again for a kid it does not know, at most once per 30 s (its cooldown, against
 * floods of made-up kids); only jose's Date is moved on for that, never slept through.
 */
describeEachStore("@latchkey/node picks up a rotated signing key", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    // The server re-reads its keys often here, so it signs with the new one soon.
    server = await startLatchkey(store, { keyReloadIntervalMs: 200 });
  });
  afterAll(() => server?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it("verifies tokens of the new key without a restart, and the old key's until they expire", async () => {
    const verify = createVerifier({ issuer: issuerOf(server), audience: AUDIENCE });
    const before = await userToken(server);
    await expect(verify(before)).resolves.toMatchObject({ role: "user" });
    const oldKid = decodeProtectedHeader(before).kid;

    const keys = server.runtime.deps.stores.keys;
    const ring = await KeyRing.load(keys, server.clock());
    const newKid = await ring.rotate(keys, server.clock(), 20 * 60);
    // The server signs with the new key after its next reload.
    let after = "";
    await expect
      .poll(
        async () => {
          after = await userToken(server);
          return decodeProtectedHeader(after).kid;
        },
        { timeout: 10_000 },
      )
      .toBe(newKid);
    expect(newKid).not.toBe(oldKid);

    // Within 30 s of the last fetch, jose does not fetch again: the unknown kid is refused.
    const refused = await verify(after).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AccessDenied);
    expect(refused).toMatchObject({ status: 401, reason: "invalid" });

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    await expect(verify(after)).resolves.toMatchObject({ role: "user" });
    // The old key stays published until its tokens have expired.
    await expect(verify(before)).resolves.toMatchObject({ role: "user" });
  });
});
