import { readFile, rename, rm, writeFile } from "node:fs/promises";

/**
 * Where an interrupted import stands: the records of the file (counted from its start,
 * rejected ones included) whose batches are committed, and the counts so far. Written after
 * each batch commits; a re-run of the same file skips those records instead of offering
 * them to the database again. A crash between a commit and its checkpoint costs nothing
 * but that batch offered again, which the inserts' ON CONFLICT DO NOTHING answers.
 */
export interface Checkpoint {
  /** The file as it was: a different or changed file starts from the beginning. */
  size: number;
  mtimeMs: number;
  records: number;
  created: number;
  existing: number;
  rejected: number;
  conflicts: number;
}

export function checkpointPath(file: string): string {
  return `${file}.checkpoint`;
}

/** The checkpoint of this very file, or null (none, unreadable, or another file's). */
export async function readCheckpoint(
  path: string,
  file: { size: number; mtimeMs: number },
): Promise<Checkpoint | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return null;
  }
  if (!isCheckpoint(parsed)) return null;
  return parsed.size === file.size && parsed.mtimeMs === file.mtimeMs ? parsed : null;
}

/** Whole or not at all: written beside, then renamed over the last one. */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(checkpoint)}\n`);
  await rename(`${path}.tmp`, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}

function isCheckpoint(value: unknown): value is Checkpoint {
  if (typeof value !== "object" || value === null) return false;
  const fields = ["size", "mtimeMs", "records", "created", "existing", "rejected", "conflicts"];
  return fields.every((name) => {
    const field = (value as Record<string, unknown>)[name];
    return typeof field === "number" && Number.isFinite(field) && field >= 0;
  });
}
