import { once } from "node:events";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { randomId } from "../../crypto/random.js";
import type { Stores } from "../../storage/ports.js";
import { CliFailure } from "../usage.js";
import { readCheckpoint, removeCheckpoint, writeCheckpoint } from "./checkpoint.js";
import { splitRecords } from "./json-stream.js";
import { type ImportedUser, parseUserRecord } from "./map-user.js";
import { ProgressReporter } from "./progress.js";

/** Users per transaction: few enough to keep each short, enough to amortise the commit. */
export const DEFAULT_BATCH_SIZE = 500;

export interface ImportOptions {
  file: string;
  /** Null: a dry run, records are read and checked but nothing is written. */
  stores: Stores | null;
  errorsTo?: string | undefined;
  batchSize?: number;
  clock: () => Date;
  /** Progress goes here (stderr): a bar when it is a terminal. */
  progressOut: { write(text: string): unknown; isTTY?: boolean };
  /** One line per rejected record (stderr). */
  reportLine: (line: string) => void;
  /** Where progress is saved after each batch, and resumed from (checkpoint.ts); unset: none. */
  checkpoint?: string | undefined;
}

export interface ImportSummary {
  read: number;
  created: number;
  existing: number;
  /** Records refused: invalid, or clashing with a different user (counted in conflicts too). */
  rejected: number;
  conflicts: number;
  /** Dry run: records that would be offered to the database. */
  valid: number;
  seconds: number;
}

interface Pending {
  line: number;
  text: string;
  user: ImportedUser;
}

/**
 * Streams `file` (JSON array, JSON lines or --pretty objects; .gz read through gunzip) into
 * the users table through UserStore.importUser, one transaction per batch. Memory holds one
 * batch, never the file.
 */
export async function importUsers(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const fileStat = await stat(options.file);
  const totalBytes = fileStat.size;
  const file = createReadStream(options.file);
  const text = textOf(file, options.file.endsWith(".gz"));
  const errorsOut = options.errorsTo ? createWriteStream(options.errorsTo) : null;
  const progress = new ProgressReporter({
    tty: options.progressOut.isTTY === true,
    write: (chunk) => options.progressOut.write(chunk),
    now: Date.now,
    totalBytes,
  });
  const summary: ImportSummary = {
    read: 0,
    created: 0,
    existing: 0,
    rejected: 0,
    conflicts: 0,
    valid: 0,
    seconds: 0,
  };
  let batch: Pending[] = [];

  let checkpointTo = options.stores ? options.checkpoint : undefined;
  const resumed = checkpointTo ? await readCheckpoint(checkpointTo, fileStat) : null;
  if (resumed) {
    Object.assign(summary, {
      created: resumed.created,
      existing: resumed.existing,
      rejected: resumed.rejected,
      conflicts: resumed.conflicts,
    });
    options.reportLine(
      `resuming: the first ${resumed.records} records were imported before (${checkpointTo})`,
    );
  }
  const skip = resumed?.records ?? 0;
  const saveCheckpoint = async () => {
    if (!checkpointTo) return;
    const { created, existing, rejected, conflicts } = summary;
    const state = { size: fileStat.size, mtimeMs: fileStat.mtimeMs, records: summary.read };
    await writeCheckpoint(checkpointTo, { ...state, created, existing, rejected, conflicts }).catch(
      (error: unknown) => {
        progress.interrupt();
        options.reportLine(
          `warning: cannot save progress to ${checkpointTo} (${(error as Error).message}); an interrupted import would start again from the first record`,
        );
        checkpointTo = undefined;
      },
    );
  };

  const reject = async (line: number, raw: string, why: string) => {
    summary.rejected++;
    progress.interrupt();
    options.reportLine(`line ${line}: ${why}`);
    if (errorsOut && raw !== "") {
      // Whitespace between JSON tokens may be folded; inside strings raw newlines are invalid.
      if (!errorsOut.write(`${raw.replace(/\s*[\r\n]+\s*/g, " ")}\n`)) {
        await once(errorsOut, "drain");
      }
    }
  };

  const flush = async () => {
    const pending = batch;
    batch = [];
    if (pending.length === 0) return;
    if (!options.stores) {
      summary.valid += pending.length;
      return;
    }
    const outcomes = await insertBatch(options.stores, pending, options.clock()).catch(
      (error: unknown) => {
        const first = pending[0]?.line;
        const last = pending.at(-1)?.line;
        throw new CliFailure(
          `import stopped: the batch of lines ${first}-${last} failed (${error instanceof Error ? error.message : String(error)}); earlier batches are saved and re-running skips them`,
          { cause: error },
        );
      },
    );
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome === "created") summary.created++;
      else if (outcome === "exists") summary.existing++;
      else {
        const item = pending[index] as Pending;
        summary.conflicts++;
        await reject(
          item.line,
          item.text,
          `${item.user.email} already belongs to another user (a different _id); not imported`,
        );
      }
    }
    await saveCheckpoint();
  };

  try {
    for await (const item of splitRecords(text)) {
      if (item.kind === "warning") {
        if (summary.read < skip) continue;
        progress.interrupt();
        options.reportLine(`warning: line ${item.line}: ${item.message}`);
        continue;
      }
      summary.read++;
      if (summary.read <= skip) {
        // Committed by an earlier run: read past, not offered again.
        progress.update(summary.read, file.bytesRead);
        continue;
      }
      if (item.kind === "error") {
        await reject(item.line, item.text, item.message);
      } else {
        const mapped = parseUserRecord(item.text, options.clock());
        if (mapped.ok) batch.push({ line: item.line, text: item.text, user: mapped.user });
        else await reject(item.line, item.text, mapped.problems.join("; "));
        if (batch.length >= batchSize) await flush();
      }
      progress.update(summary.read, file.bytesRead);
    }
    await flush();
    progress.finish(summary.read, file.bytesRead);
    if (checkpointTo) await removeCheckpoint(checkpointTo);
  } finally {
    file.destroy();
    if (errorsOut) {
      errorsOut.end();
      await once(errorsOut, "close");
    }
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

type Outcome = "created" | "exists" | "conflict";

async function insertBatch(stores: Stores, batch: Pending[], now: Date): Promise<Outcome[]> {
  return stores.transaction(async (tx) => {
    const outcomes: Outcome[] = [];
    // One multi-row insert for the batch: a statement a user was most of the import's time.
    const inserted = await tx.users.importUsers(
      batch.map(({ user }) => ({ id: randomId(), ...user, now })),
    );
    for (const [index, { user }] of batch.entries()) {
      if (inserted[index] === "created") {
        outcomes.push("created");
        continue;
      }
      // importUser keeps whatever holds the legacy id, email or username. The same legacy id
      // (or none on both sides) is this user from an earlier run; another owner of the email
      // is a different person and must not pass for "already imported".
      const owner = await tx.users.findByEmail(user.email);
      outcomes.push(owner && owner.legacyId !== user.legacyId ? "conflict" : "exists");
    }
    return outcomes;
  });
}

function textOf(file: ReadStream, gzipped: boolean): Readable {
  let source: Readable = file;
  if (gzipped) {
    const gunzip = createGunzip();
    // pipeline passes a read error on to gunzip, which the reading loop then throws.
    pipeline(file, gunzip, () => {});
    source = gunzip;
  }
  // A decoder that keeps a multi-byte character split across chunks whole.
  source.setEncoding("utf8");
  return source;
}
