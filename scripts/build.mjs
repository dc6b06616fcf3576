// Compiles src/ to dist/ (plain JavaScript that `node` runs without a loader), and tells
// whether an existing dist/ was compiled from the current sources.
//
//   node scripts/build.mjs            build (npm run build)
//   node scripts/build.mjs --if-stale build only when src/ changed since the last build
//
// Plain JavaScript on purpose: it runs before anything is compiled, without tsx. Type errors
// do not stop the build (tsconfig.build.json sets noCheck, as tsx never checked types
// either); `npm run typecheck` reports them.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIST = join(ROOT, "dist");
const SRC = join(ROOT, "src");
/** Written last: its presence means the build completed; its content, from which sources. */
const STAMP = ".source-hash";
/** Files under src/ that the compiled code reads at run time rather than imports. */
const RUNTIME_FILES = [join("pages", "assets")];
/** What the output depends on besides src/. */
const INPUTS = ["tsconfig.json", "tsconfig.build.json", "scripts/build.mjs"];

/** A digest of every file the build reads: names and contents. */
export function sourceHash() {
  const hash = createHash("sha256");
  const add = (file) => {
    hash.update(relative(ROOT, file));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) add(path);
    }
  };
  walk(SRC);
  for (const input of INPUTS) add(join(ROOT, input));
  return hash.digest("hex");
}

/**
 * True when dist/ holds a complete build of the current sources. A deployment that ships
 * dist/ without src/ counts as current.
 */
export function isDistCurrent() {
  let stamp;
  try {
    stamp = readFileSync(join(DIST, STAMP), "utf8").trim();
  } catch {
    return false;
  }
  if (!existsSync(SRC)) return true;
  return stamp === sourceHash();
}

/** The URL of a compiled file, e.g. "main.js". */
export function distUrl(pathInDist) {
  return pathToFileURL(join(DIST, pathInDist)).href;
}

/** The TypeScript compiler's entry, or undefined where dev dependencies are not installed. */
export function findCompiler() {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
  } catch {
    return undefined;
  }
}

/**
 * Compiles into a temporary folder and swaps it in whole, so a server running from dist/
 * never sees it half-written, and a failed build leaves the previous one in place.
 */
export function build() {
  const compiler = findCompiler();
  if (!compiler) throw new Error("TypeScript is not installed (npm ci installs it)");
  const hash = sourceHash();
  const temporary = `${DIST}.${process.pid}.tmp`;
  const previous = `${DIST}.${process.pid}.old`;
  rmSync(temporary, { recursive: true, force: true });
  try {
    const result = spawnSync(
      process.execPath,
      [compiler, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", temporary],
      { cwd: ROOT, stdio: "inherit" },
    );
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`tsc exited with ${result.status}`);
    for (const path of RUNTIME_FILES) {
      cpSync(join(SRC, path), join(temporary, path), { recursive: true });
    }
    writeFileSync(join(temporary, STAMP), `${hash}\n`);
    try {
      renameSync(DIST, previous);
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    }
    try {
      renameSync(temporary, DIST);
    } catch (error) {
      // Another build swapped its own dist/ in meanwhile: the same sources, keep that one.
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    }
  } finally {
    rmSync(temporary, { recursive: true, force: true });
    rmSync(previous, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ifStale = process.argv.includes("--if-stale");
  try {
    if (!(ifStale && isDistCurrent())) build();
  } catch (error) {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
