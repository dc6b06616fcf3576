import { noPositionals } from "../options.js";
import type { Command } from "../usage.js";

export const migrateCommand: Command = {
  summary: "apply pending database migrations",
  help: `Usage: latchkey migrate

Applies every pending migration to the database named by DATABASE_URL, or to the
embedded database in DATA_DIR (stop the server first). The server also migrates at start.`,
  options: {},
  async run({ positionals, config }) {
    noPositionals("migrate", positionals);
    const settings = config();
    const [{ databaseTarget, openDatabase }, { migrateToLatest }] = await Promise.all([
      import("../../storage/database.js"),
      import("../../storage/migrate.js"),
    ]);
    const database = await openDatabase(databaseTarget(settings));
    try {
      const { applied } = await migrateToLatest(database.db);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "already up to date");
      return 0;
    } finally {
      await database.close();
    }
  },
};
