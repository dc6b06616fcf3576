import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import type { AppDeps } from "../http/types.js";
import type { DatabaseHandle } from "../storage/database.js";
import type { Stores } from "../storage/ports.js";

// The database drivers (PGlite's WASM above all) take seconds to load on a busy machine:
// they are imported when a command opens the database, so --help and bad arguments answer
// at once.

/** The actor of every change made from the command line: the operator, not a user. */
export const CLI_ACTOR = { id: null } as const;

/** Warnings and errors only, synchronously to stderr: stdout is the command's output. */
export async function cliLogger(): Promise<Logger> {
  const [{ pino }, { LOGGER_OPTIONS }] = await Promise.all([
    import("pino"),
    import("../logging/logger.js"),
  ]);
  return pino({ ...LOGGER_OPTIONS, level: "warn" }, pino.destination({ dest: 2, sync: true }));
}

/**
 * The full runtime (hasher, password policy, audit...) for commands that go through the
 * domain, so the CLI and the admin API share one set of rules. No purge job, no shared
 * rate-limit store: a command runs once and leaves.
 */
export async function withRuntime<T>(
  config: Config,
  // What commands use of the runtime; its full type would tie every command to the wiring.
  run: (runtime: { deps: AppDeps }) => Promise<T>,
): Promise<T> {
  const { startRuntime } = await import("../composition/runtime.js");
  const runtime = await startRuntime(config, {
    logger: await cliLogger(),
    purgeIntervalMs: 0,
    limiter: { kind: "memory" },
  });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

/** Just the migrated database and its stores, for commands that need no domain service. */
export async function withStores<T>(
  config: Config,
  run: (stores: Stores, database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const [{ databaseTarget, openDatabase }, { migrateToLatest }, { createStores }] =
    await Promise.all([
      import("../storage/database.js"),
      import("../storage/migrate.js"),
      import("../storage/stores/index.js"),
      // The sign-in methods' stores are among the stores (composition root).
      import("../composition/sign-in-methods.js"),
    ]);
  const database = await openDatabase(databaseTarget(config));
  try {
    await migrateToLatest(database.db);
    return await run(createStores(database.db), database);
  } finally {
    await database.close();
  }
}
