import { type Logger, pino } from "pino";
import type { Config } from "../config/config.js";
import { LOGGER_OPTIONS } from "../logger.js";
import { type Runtime, startRuntime } from "../runtime.js";
import { type DatabaseHandle, databaseTarget, openDatabase } from "../storage/database.js";
import { migrateToLatest } from "../storage/migrate.js";
import type { Stores } from "../storage/ports.js";
import { createStores } from "../storage/stores/index.js";

/** The actor of every change made from the command line: the operator, not a user. */
export const CLI_ACTOR = { id: null } as const;

/** Warnings and errors only, synchronously to stderr: stdout is the command's output. */
export function cliLogger(): Logger {
  return pino({ ...LOGGER_OPTIONS, level: "warn" }, pino.destination({ dest: 2, sync: true }));
}

/**
 * The full runtime (hasher, password policy, audit...) for commands that go through the
 * domain, so the CLI and the admin API share one set of rules. No purge job, no shared
 * rate-limit store: a command runs once and leaves.
 */
export async function withRuntime<T>(
  config: Config,
  run: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await startRuntime(config, {
    logger: cliLogger(),
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
  const database = await openDatabase(databaseTarget(config));
  try {
    await migrateToLatest(database.db);
    return await run(createStores(database.db), database);
  } finally {
    await database.close();
  }
}
