import { access, constants, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { checkpointPath } from "../import/checkpoint.js";
import { DEFAULT_BATCH_SIZE, type ImportSummary, importUsers } from "../import/run-import.js";
import { withStores } from "../open.js";
import { flagOption, positiveIntOption, stringOption } from "../options.js";
import { CliFailure, CliUsageError, type Command } from "../usage.js";

export const importCommand: Command = {
  summary: "import users from mongoexport JSON (array or lines, Extended JSON)",
  help: `Usage: latchkey import FILE [--errors-to FILE] [--dry-run] [--batch-size N]

Reads users exported from the older MongoDB-based systems with mongoexport: a JSON array
(--jsonArray), JSON lines (the default) or --pretty output, in canonical or relaxed
Extended JSON; FILE may be gzipped (.gz). The file is streamed, never loaded whole.

Fields: email (required), password (a bcrypt hash $2a$/$2b$/$2y$, kept as is and upgraded
to argon2id at the user's next login), name, username, status (pending, active, blocked;
or isBlocked: true), role (user, admin), isVerified / verified / emailVerified (true: the
email counts as verified, at createdAt, and the user is active unless blocked), createdAt,
locale. _id is kept as the user's legacy id. Other fields are ignored.

Each record is checked with sign-up's rules. A bad record is reported on stderr with the
line it starts on and skipped. Users are inserted in transactions of ${DEFAULT_BATCH_SIZE}; one whose _id,
email or username is already present is left as it is, so re-running is safe.

After each transaction the records done so far are saved in FILE.checkpoint. An import
that was interrupted (Ctrl-C, a crash, the database away) and is run again on the same,
unchanged file skips them and goes on where it stopped; the summary counts the whole file.
The checkpoint is removed when the import completes; delete it to start over.

  --errors-to FILE   write each rejected record there, one per line, to fix and re-import
  --dry-run          read and check every record, write nothing (no database needed)
  --batch-size N     users per transaction (default ${DEFAULT_BATCH_SIZE})

Progress goes to stderr (a bar on a terminal), the summary to stdout. Exit status: 0 when
every record was imported or already present, 2 when some were rejected, 1 on failure.`,
  options: {
    "errors-to": { type: "string" },
    "dry-run": { type: "boolean" },
    "batch-size": { type: "string" },
  },
  async run({ values, positionals, config }) {
    if (positionals.length !== 1) {
      throw new CliUsageError(
        positionals.length === 0
          ? "missing the file to import: latchkey import FILE"
          : "import takes one file; run it once per file",
      );
    }
    const file = positionals[0] as string;
    const errorsTo = stringOption(values, "errors-to");
    const dryRun = flagOption(values, "dry-run");
    const batchSize = positiveIntOption(values, "batch-size") ?? DEFAULT_BATCH_SIZE;
    if (errorsTo !== undefined && resolve(errorsTo) === resolve(file)) {
      throw new CliUsageError("--errors-to must not be the file being imported");
    }
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      throw new CliUsageError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
    if (errorsTo !== undefined) {
      try {
        await writeFile(errorsTo, "");
      } catch (error) {
        throw new CliUsageError(
          `cannot write --errors-to ${errorsTo}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        );
      }
    }
    const run = async (stores: Parameters<typeof importUsers>[0]["stores"]) =>
      importUsers({
        file,
        stores,
        errorsTo,
        batchSize,
        clock: () => new Date(),
        progressOut: process.stderr,
        reportLine: (line) => console.error(line),
        checkpoint: checkpointPath(file),
      }).catch((error: unknown) => {
        if (error instanceof CliFailure) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code?.startsWith("E") || code?.startsWith("Z_")) {
          throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        throw error;
      });
    const summary = dryRun ? await run(null) : await withStores(config(), (stores) => run(stores));
    console.log(formatSummary(summary, dryRun));
    return summary.rejected > 0 ? 2 : 0;
  },
};

export function formatSummary(summary: ImportSummary, dryRun: boolean): string {
  const rate = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : summary.read;
  const counts = dryRun
    ? `valid ${summary.valid}`
    : `created ${summary.created}, existing ${summary.existing}`;
  const conflicts =
    summary.conflicts > 0 ? ` (${summary.conflicts} conflicting with other users)` : "";
  const prefix = dryRun ? "dry run, nothing written: " : "";
  return `${prefix}read ${summary.read}, ${counts}, rejected ${summary.rejected}${conflicts} in ${summary.seconds.toFixed(1)} s (${rate} users/s)`;
}
