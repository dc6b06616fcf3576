import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * Compiles dist/ once before the suites, when src/ changed since it was last built. The CLI
 * and servers the tests spawn then start from compiled code, as an operator's do after
 * `npm start` (bin/latchkey.js and scripts/start.mjs take dist/ when it is current, else the
 * sources through tsx): half the start-up time of a spawned command (test/cli: 52 s against
 * 127 s for users and arguments), the same code, and no step the operator skips.
 */
export function setup(): void {
  const build = resolve(import.meta.dirname, "../scripts/build.mjs");
  const result = spawnSync(process.execPath, [build, "--if-stale"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`scripts/build.mjs exited with ${result.status}`);
}
