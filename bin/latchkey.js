#!/usr/bin/env node
// The `latchkey` command. Runs the compiled CLI in dist/ when it was built from the current
// sources (`npm run build`, or `npm start`); otherwise the TypeScript sources through tsx's
// loader, so a fresh clone or a stale build never runs out-of-date code. It does not build:
// the package folder may be read-only, and a command should not rewrite the dist/ a running
// server uses.
import { distUrl, isDistCurrent } from "../scripts/build.mjs";

if (isDistCurrent()) {
  await import(distUrl("cli/index.js"));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/index.ts");
}
