// Compiles src/ to dist/: JavaScript that Node 20 runs without a loader, with its .d.ts files.
// Run by `prepare`, so the root `npm ci` and `npm pack` both build it. Plain JavaScript: it
// runs before anything is compiled.
import { spawnSync } from "node:child_process";
import { appendFileSync, rmSync } from "node:fs";
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
rmSync(DIST, { recursive: true, force: true });
const result = spawnSync(process.execPath, [compiler, "-p", join(PACKAGE, "tsconfig.build.json")], {
  cwd: PACKAGE,
  stdio: "inherit",
});
if (result.error) throw result.error;
if (result.status !== 0) {
  console.error(`@latchkey/node: tsc exited with ${result.status}`);
  process.exit(1);
}
appendFileSync(join(DIST, "fastify.d.ts"), FASTIFY_REQUEST);
