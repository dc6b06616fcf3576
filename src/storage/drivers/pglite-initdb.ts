import { spawn } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** Names the scratch directories of a first start inside the data directory. */
const SCRATCH_PREFIX = ".initdb-";

/**
 * Runs in the child: PGlite's own first start (initdb) into the scratch directory.
 * CommonJS and PGlite's CJS build, so it runs the same under tsx, vitest and compiled
 * JS, without a loader and without a file of its own to ship.
 */
const CHILD_SCRIPT = `
const [, entry, target] = process.argv;
require(entry)
  .PGlite.create({ dataDir: target })
  .then((pg) => pg.close())
  .catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exitCode = 1;
  });
`;

/**
 * Makes `dir` a PostgreSQL data directory unless it already is one (PG_VERSION exists).
 *
 * PGlite runs initdb in a second WASM instance of its own and copies the result over.
 * That instance, a copy of its heap and the tarball in between are never given back:
 * a process whose first start ran initdb keeps hundreds of MiB more resident than one
 * that opened an existing directory, for as long as it lives (BENCHMARKS.md, "Memory"). Here initdb runs in a
 * short-lived child process instead, and the caller then only opens the directory.
 *
 * The child writes into a scratch directory inside `dir`; its entries are moved in with
 * PG_VERSION last, so an interrupted first start never leaves a directory that looks
 * initialised. The caller must hold the directory's lock.
 */
export async function ensurePgliteCluster(dir: string): Promise<void> {
  for (const name of readdirSync(dir)) {
    if (name.startsWith(SCRATCH_PREFIX)) rmSync(join(dir, name), { recursive: true, force: true });
  }
  if (existsSync(join(dir, "PG_VERSION"))) return;

  const scratch = join(dir, `${SCRATCH_PREFIX}${process.pid}`);
  try {
    await runChild(scratch);
    const names = readdirSync(scratch).filter((name) => name !== "PG_VERSION");
    for (const name of [...names, "PG_VERSION"]) {
      // What a previous, interrupted start left (PGlite's own initdb writes in place).
      rmSync(join(dir, name), { recursive: true, force: true });
      renameSync(join(scratch, name), join(dir, name));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runChild(target: string): Promise<void> {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  // Baseline WASM compiler only: TurboFan's compile zones are most of a child's peak
  // besides the WASM heaps, and initdb runs too briefly for optimised code to pay off.
  const args = ["--liftoff-only", "-e", CHILD_SCRIPT, entry, target];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `Initialising the embedded database in ${target} failed (${signal ?? `exit code ${code}`}): ${stderr.trim() || "no output"}`,
          ),
        );
    });
  });
}
