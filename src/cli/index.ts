import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/load-config.js";
import { DatabaseInUseError } from "../storage/drivers/pglite.js";
import { COMMANDS } from "./commands/index.js";
import { CliUsageError } from "./usage.js";

const USAGE = `Usage: latchkey <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(16)}${command.summary}`)
  .join("\n")}

Run \`latchkey <command> --help\` for a command's options. Configuration comes from the
same environment variables as the server (see README.md).`;

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliUsageError(`unknown command "${name}". Run latchkey --help.`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...command.options, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(command.help);
    return 0;
  }
  return command.run({ values, positionals, config: () => loadConfig(process.env) });
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One clear line; a stack only for what nobody anticipated.
    if (
      error instanceof CliUsageError ||
      error instanceof ConfigError ||
      error instanceof DatabaseInUseError ||
      (error instanceof TypeError &&
        "code" in error &&
        String(error.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`latchkey: ${error.message}`);
    } else {
      console.error("latchkey: failed:", error);
    }
    process.exitCode = 1;
  },
);
