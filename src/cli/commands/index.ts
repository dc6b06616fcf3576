import type { Command } from "../usage.js";
import { migrateCommand } from "./migrate.js";

export const COMMANDS: Record<string, Command> = {
  migrate: migrateCommand,
};
