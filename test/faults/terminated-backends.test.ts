import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../process/main-process.js";
import {
  adminQuery,
  createDatabase,
  expectRecovered,
  failOnExit,
  postgresUrl,
  registerUsers,
  startServerOn,
  startTraffic,
  unexpected,
  warnWithoutPostgres,
} from "./connection-drops.js";

warnWithoutPostgres("the terminated-backends fault test");

const TRIALS = 10;

// Issue 13, item 1: pg_terminate_backend of the instance's connections under refresh loops
// killed the process (an unhandled 'error' event on a checked-out pg client).
describe.skipIf(!postgresUrl)("PostgreSQL terminating the server's connections under load", () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createDatabase();
    server = await startServerOn(database.url);
    await registerUsers(server.url);
  }, 120_000);
  afterAll(async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
    await database?.drop();
  });

  it(`stays up, answers 2xx or 503 and recovers, ${TRIALS} trials out of ${TRIALS}`, async () => {
    const exited = failOnExit(server);
    let terminated = 0;
    let unavailable = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const traffic = startTraffic(server.url);
      await Promise.race([traffic.answers(10), exited]);
      const killed = await adminQuery(
        String(postgresUrl),
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [database.name],
      );
      terminated += killed.rowCount ?? 0;
      await Promise.race([traffic.answers(20), exited]);
      const statuses = await Promise.race([traffic.stop(), exited]);
      expect(unexpected(statuses), `trial ${trial}`).toEqual([]);
      unavailable += statuses.filter((status) => status === 503).length;
      await Promise.race([expectRecovered(server), exited]);
    }
    console.log(
      `${terminated} backends terminated, ${unavailable} answers 503 in ${TRIALS} trials`,
    );
    expect(terminated).toBeGreaterThan(TRIALS);
  }, 120_000);
});
