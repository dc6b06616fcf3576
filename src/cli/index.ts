import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/load-config.js";
import { AuthError } from "../errors.js";
import { COMMANDS } from "./commands/index.js";
import { CliFailure, CliUsageError } from "./usage.js";

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
    const topic = name === "help" && rest[0] ? COMMANDS[rest[0]] : undefined;
    console.log(topic ? topic.help : USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliUsageError(`unknown command "${name}". Run latchkey --help.`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw argumentError(error, name);
  }
  if (parsed.values.help) {
    console.log(command.help);
    return 0;
  }
  return command.run({
    values: parsed.values,
    positionals: parsed.positionals,
    config: () => loadConfig(process.env),
  });
}

/** node:util's parse errors, shortened to one line that says where to look. */
function argumentError(error: unknown, command: string): unknown {
  if (
    !(error instanceof TypeError) ||
    !String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS")
  ) {
    return error;
  }
  // "Unknown option '--x'. To specify a positional argument starting with a '-', ..." -> first sentence.
  const first = error.message.split(/\.\s/)[0]?.replace(/\.$/, "") ?? error.message;
  const text = first.charAt(0).toLowerCase() + first.slice(1);
  return new CliUsageError(`${text}; run latchkey ${command} --help`);
}

/** One line for what the domain refuses (LAST_ADMIN, a weak password...). */
function describeAuthError(error: AuthError): string {
  if (error.fields?.length) {
    return error.fields.map((field) => `${field.field}: ${field.message}`).join("; ");
  }
  return `${error.message} (${error.code})`;
}

/**
 * The embedded database held by a running server. Told by name: importing the PGlite driver
 * just to use instanceof would cost every command, --help included, the driver's load time.
 */
function isDatabaseInUse(error: unknown): error is Error {
  return error instanceof Error && error.name === "DatabaseInUseError";
}

// `latchkey export | head` closes the pipe early: the reader's choice, not a failure. stdout
// is then destroyed; commands that stream (export) see that, stop and close the database.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One clear line; a stack only for what nobody anticipated.
    if (
      error instanceof CliUsageError ||
      error instanceof CliFailure ||
      error instanceof ConfigError ||
      isDatabaseInUse(error)
    ) {
      console.error(`latchkey: ${error.message}`);
    } else if (error instanceof AuthError) {
      console.error(`latchkey: ${describeAuthError(error)}`);
    } else {
      console.error("latchkey: failed:", error);
    }
    process.exitCode = 1;
  },
);
