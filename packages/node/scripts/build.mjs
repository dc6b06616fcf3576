// Compiles src/ to dist/: JavaScript that Node 20 runs without a loader, with its .d.ts files.
// Run by `prepare`, so the root `npm ci` and `npm pack` both build it. Plain JavaScript: it
// runs before anything is compiled.
import { spawnSync } from "node:child_process";
import { appendFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(PACKAGE, "dist");

// The published types say what the plugin sets on every request it guards. It is not in
// src/fastify.ts because Latchkey's server, type-checked in the same program in this
// repository, gives its own FastifyRequest an `auth` of another type.
const FASTIFY_REQUEST = `
declare module "fastify" {
    interface FastifyRequest {
        /** Set by latchkeyAuth on the routes it guards; null on a route with config.latchkey false. */
        auth: Auth;
    }
}
`;

const require = createRequire(join(PACKAGE, "package.json"));
const compiler = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
// Built aside and swapped in whole: a test or a service importing dist/ meanwhile (`npm pack`
// in a test builds again) never finds it half-written.
const temporary = `${DIST}.${process.pid}.tmp`;
const previous = `${DIST}.${process.pid}.old`;
try {
  const tsconfig = join(PACKAGE, "tsconfig.build.json");
  const result = spawnSync(process.execPath, [compiler, "-p", tsconfig, "--outDir", temporary], {
    cwd: PACKAGE,
    stdio: "inherit",
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`tsc exited with ${result.status}`);
  appendFileSync(join(temporary, "fastify.d.ts"), FASTIFY_REQUEST);
  try {
    renameSync(DIST, previous);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  renameSync(temporary, DIST);
} catch (error) {
  console.error(`@latchkey/node build: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(temporary, { recursive: true, force: true });
  rmSync(previous, { recursive: true, force: true });
}
