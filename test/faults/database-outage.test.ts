import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreUnderTest } from "../helpers/stores.js";
import {
  canRunTempPostgres,
  startTempPostgres,
  type TempPostgres,
} from "../helpers/temp-postgres.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const PASSWORD = "a sturdy passphrase 1";

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

describe.skipIf(!canRunTempPostgres())("a PostgreSQL outage", () => {
  let postgres: TempPostgres;
  let server: TestServer;

  beforeAll(async () => {
    postgres = await startTempPostgres();
    const store: StoreUnderTest = {
      name: "PostgreSQL",
      target: () => ({ kind: "postgres", url: postgres.url }),
      cleanup: async () => {},
    };
    server = await startTestServer({ store, env: { REQUIRE_EMAIL_VERIFICATION: "false" } });
    const registered = await server.post("/auth/register", {
      email: "outage@example.com",
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await server?.close().catch(() => {});
    await postgres?.destroy();
  });

  it("answers 503 quickly while the database is down, and recovers by itself", async () => {
    await postgres.stop();

    const ready = await timed(() => server.get("/readyz"));
    expect(ready.value.status).toBe(503);
    expect(ready.value.body).toEqual({
      status: "unavailable",
      checks: { database: "unreachable" },
    });
    expect(ready.ms).toBeLessThan(2_000);

    const login = await timed(() =>
      server.post("/auth/login", { email: "outage@example.com", password: PASSWORD }),
    );
    expect(login.value.status).toBe(503);
    expect(login.value.body).toMatchObject({ success: false, code: "UNAVAILABLE" });
    expect(login.value.headers.get("retry-after")).toBe("5");
    expect(JSON.stringify(login.value.body)).not.toMatch(/ECONNREFUSED|stack|at .*\.js/);
    expect(login.ms).toBeLessThan(5_000);

    const register = await server.post("/auth/register", {
      email: "during@example.com",
      password: PASSWORD,
    });
    expect(register.status).toBe(503);

    const restarted = performance.now();
    await postgres.start();
    let recoveredAfter = Number.NaN;
    for (let i = 0; i < 100; i++) {
      if ((await server.get("/readyz")).status === 200) {
        recoveredAfter = performance.now() - restarted;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(`recovered ${Math.round(recoveredAfter)} ms after PostgreSQL accepted connections`);
    expect(recoveredAfter).toBeLessThan(10_000);

    const again = await server.post("/auth/login", {
      email: "outage@example.com",
      password: PASSWORD,
    });
    expect(again.status).toBe(200);
  }, 60_000);
});
