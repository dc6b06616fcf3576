#!/usr/bin/env node
// Fails when an installed package declares an engines.node range that this project's own
// range (package.json "engines.node") or the running Node does not fit. npm only warns
// (EBADENGINE) and installs anyway, so a dependency bump that drops the Node we document
// would otherwise go unnoticed until a user hits it. Usage: check-engines.mjs [project-dir]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import semver from "semver";

const root = resolve(process.argv[2] ?? ".");
const ours = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines?.node;
if (!ours) {
  console.error("check-engines: package.json declares no engines.node");
  process.exit(1);
}

/** Every package directory under a node_modules folder, scoped and nested ones included. */
function* packages(modules) {
  if (!existsSync(modules)) return;
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const dir = join(modules, entry.name);
    if (entry.name.startsWith("@")) {
      for (const scoped of readdirSync(dir, { withFileTypes: true })) {
        if (scoped.isDirectory()) yield* withNested(join(dir, scoped.name));
      }
    } else {
      yield* withNested(dir);
    }
  }
}

function* withNested(dir) {
  if (existsSync(join(dir, "package.json"))) yield dir;
  yield* packages(join(dir, "node_modules"));
}

const problems = [];
let checked = 0;
for (const dir of packages(join(root, "node_modules"))) {
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const wanted = meta.engines?.node;
  if (typeof wanted !== "string" || !meta.name) continue;
  checked++;
  const where = `${meta.name}@${meta.version} (node ${wanted})`;
  if (!semver.validRange(wanted)) continue; // npm ignores what it cannot parse; so do we.
  if (!semver.satisfies(process.version, wanted, { includePrerelease: true })) {
    problems.push(`${where} excludes the running Node ${process.version}`);
  } else if (!semver.subset(ours, wanted)) {
    problems.push(`${where} excludes part of this project's range (node ${ours})`);
  }
}

if (problems.length > 0) {
  console.error(`check-engines: ${problems.length} package(s) do not fit:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(
  `check-engines: ${checked} engines.node ranges fit node ${ours} and ${process.version}`,
);
