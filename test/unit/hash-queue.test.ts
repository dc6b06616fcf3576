import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { limitHashing } from "../../src/crypto/hash-queue.js";
import type { PasswordHasher } from "../../src/crypto/password.js";
import { AuthError } from "../../src/errors.js";
import { registerErrorHandler } from "../../src/http/error-handler.js";

/** A hasher whose every call waits until the test finishes it, recording the order of starts. */
function gatedHasher() {
  const started: string[] = [];
  const gates: (() => void)[] = [];
  const gate = async (label: string) => {
    started.push(label);
    await new Promise<void>((resolve) => gates.push(resolve));
  };
  const hasher: PasswordHasher = {
    hash: async (password) => {
      await gate(`hash:${password}`);
      return `hashed:${password}`;
    },
    verify: async (_hash, password) => {
      await gate(`verify:${password}`);
      return { ok: true, needsRehash: false };
    },
    verifyDummy: async (password) => {
      await gate(`dummy:${password}`);
    },
  };
  return {
    hasher,
    started,
    /** Lets the oldest running call finish. */
    finishOne: async () => {
      gates.shift()?.();
      await settle();
    },
    running: () => gates.length,
  };
}

/** Enough turns of the microtask queue for a released slot to start the next call. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("limitHashing", () => {
  it("never runs more than `concurrency` hashes at once", async () => {
    const gated = gatedHasher();
    const limited = limitHashing(gated.hasher, { concurrency: 2, maxQueue: 10 });
    const calls = ["a", "b", "c", "d", "e"].map((p) => limited.hash(p));
    await settle();
    expect(gated.running()).toBe(2);
    await gated.finishOne();
    expect(gated.running()).toBe(2);
    while (gated.running() > 0) await gated.finishOne();
    expect(await Promise.all(calls)).toEqual(["a", "b", "c", "d", "e"].map((p) => `hashed:${p}`));
  });

  it("starts waiting calls in arrival order, whatever the operation", async () => {
    const gated = gatedHasher();
    const limited = limitHashing(gated.hasher, { concurrency: 1, maxQueue: 10 });
    const calls = [
      limited.hash("1"),
      limited.verify("h", "2"),
      limited.verifyDummy("3"),
      limited.hash("4"),
    ];
    await settle();
    while (gated.running() > 0) await gated.finishOne();
    await Promise.all(calls);
    expect(gated.started).toEqual(["hash:1", "verify:2", "dummy:3", "hash:4"]);
  });

  it("gives a freed slot to the queue before a newcomer", async () => {
    const gated = gatedHasher();
    const limited = limitHashing(gated.hasher, { concurrency: 1, maxQueue: 1 });
    const first = limited.hash("first");
    const queued = limited.hash("queued");
    await settle();
    // "first" is done: its slot went straight to "queued", so a call made now waits.
    await gated.finishOne();
    const late = limited.hash("late");
    await settle();
    expect(gated.started).toEqual(["hash:first", "hash:queued"]);
    while (gated.running() > 0) await gated.finishOne();
    await Promise.all([first, queued, late]);
    expect(gated.started).toEqual(["hash:first", "hash:queued", "hash:late"]);
  });

  it("sheds with UNAVAILABLE and Retry-After once the queue is full, and recovers", async () => {
    const gated = gatedHasher();
    const limited = limitHashing(gated.hasher, { concurrency: 1, maxQueue: 2 });
    const accepted = [limited.hash("1"), limited.hash("2"), limited.hash("3")];
    const refused = await limited.verify("h", "4").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthError);
    expect(refused).toMatchObject({ code: "UNAVAILABLE", status: 503, retryAfter: 1 });
    expect((refused as AuthError).message).toBe("The service is busy. Try again shortly.");
    // The refused call never reached the hasher.
    await settle();
    expect(gated.started).toEqual(["hash:1"]);

    await gated.finishOne();
    const again = limited.hash("5");
    while (gated.running() > 0) await gated.finishOne();
    await Promise.all([...accepted, again]);
    expect(gated.started).toEqual(["hash:1", "hash:2", "hash:3", "hash:5"]);
  });

  it("admit() refuses exactly when a hash asked for now would be shed", async () => {
    const gated = gatedHasher();
    const limited = limitHashing(gated.hasher, { concurrency: 1, maxQueue: 1 });
    expect(() => limited.admit()).not.toThrow();
    const running = limited.hash("1");
    expect(() => limited.admit()).not.toThrow();
    const queued = limited.hash("2");
    expect(() => limited.admit()).toThrow(
      expect.objectContaining({ code: "UNAVAILABLE", retryAfter: 1 }),
    );
    await settle();
    await gated.finishOne();
    expect(() => limited.admit()).not.toThrow();
    await gated.finishOne();
    await Promise.all([running, queued]);
  });

  it("frees the slot when a hash fails", async () => {
    const failing: PasswordHasher = {
      hash: async () => {
        throw new Error("out of memory");
      },
      verify: async () => ({ ok: false, needsRehash: false }),
      verifyDummy: async () => {},
    };
    const limited = limitHashing(failing, { concurrency: 1, maxQueue: 0 });
    await expect(limited.hash("x")).rejects.toThrow("out of memory");
    await expect(limited.verify("h", "x")).resolves.toEqual({ ok: false, needsRehash: false });
  });

  it("with maxQueue 0, refuses as soon as every slot is busy", async () => {
    const gated = gatedHasher();
    const limited = limitHashing(gated.hasher, { concurrency: 1, maxQueue: 0 });
    const running = limited.hash("1");
    await expect(limited.hash("2")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await settle();
    await gated.finishOne();
    await running;
  });

  it("refuses nonsensical limits", () => {
    const { hasher } = gatedHasher();
    expect(() => limitHashing(hasher, { concurrency: 0, maxQueue: 1 })).toThrow(RangeError);
    expect(() => limitHashing(hasher, { concurrency: 1.5, maxQueue: 1 })).toThrow(RangeError);
    expect(() => limitHashing(hasher, { concurrency: 1, maxQueue: -1 })).toThrow(RangeError);
  });

  it("reaches the client as 503 UNAVAILABLE with Retry-After: 1", async () => {
    const gated = gatedHasher();
    const limited = limitHashing(gated.hasher, { concurrency: 1, maxQueue: 0 });
    const app = Fastify();
    registerErrorHandler(app);
    app.post("/hash", async () => ({ hash: await limited.hash("pw") }));
    const busy = app.inject({ method: "POST", url: "/hash" });
    await settle();
    const shed = await app.inject({ method: "POST", url: "/hash" });
    expect(shed.statusCode).toBe(503);
    expect(shed.headers["retry-after"]).toBe("1");
    expect(shed.json()).toEqual({
      success: false,
      code: "UNAVAILABLE",
      message: "The service is busy. Try again shortly.",
    });
    await gated.finishOne();
    expect((await busy).statusCode).toBe(200);
    await app.close();
  });
});
