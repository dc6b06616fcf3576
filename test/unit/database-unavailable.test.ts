import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/storage/unavailable.js";

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

// Issue 13, items 1 and 10: every way node-postgres reports a lost or busy database is a 503
// UNAVAILABLE with Retry-After, never a 500.
describe("isDatabaseUnavailable", () => {
  it.each([
    ["a socket closed under a client", new Error("Connection terminated unexpectedly")],
    [
      "a pool that gave up connecting",
      new Error("Connection terminated due to connection timeout"),
    ],
    ["a query on a client that already died", new Error("Client was closed and is not queryable")],
    ["a reset socket", withCode("read ECONNRESET", "ECONNRESET")],
    ["a refused connection", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    [
      "pg_terminate_backend",
      withCode("terminating connection due to administrator command", "57P01"),
    ],
    [
      "an idle-session timeout",
      withCode("terminating connection due to idle-session timeout", "57P05"),
    ],
    ["a lock_timeout", withCode("canceling statement due to lock timeout", "55P03")],
    [
      "a wrapped cause",
      new Error("rotation failed", { cause: new Error("Connection terminated") }),
    ],
  ])("%s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", withCode("duplicate key value", "23505")],
    ["a syntax error", withCode("syntax error at or near", "42601")],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
  ])("not %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
