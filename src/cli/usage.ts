import type { ParseArgsConfig } from "node:util";
import type { Config } from "../config/config.js";

/** Bad arguments: printed as one line, exit code 1. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

/** An expected failure while a command runs (a file that cannot be read...): one line, exit 1. */
export class CliFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliFailure";
  }
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** Loads the configuration from the environment; commands call it when they need it. */
  config: () => Config;
}

export interface Command {
  summary: string;
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(context: CommandContext): Promise<number>;
}
