#!/usr/bin/env node
// This machine's npm registry is a snapshot that lacks some platform builds (darwin,
// win32, musl…) of native packages. `npm install` then writes a lock without them,
// and `npm ci` refuses that lock ("Missing: … from lock file"). Each missing optional
// package is recorded here with the os/cpu/libc it is for, so npm ci skips it on this
// platform exactly as it would with a complete lock; nothing else changes.
import { readFileSync, writeFileSync } from "node:fs";

const path = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const OSES = ["android", "darwin", "freebsd", "linux", "win32", "openbsd", "sunos", "aix"];
const CPUS = ["arm64", "x64", "ia32", "arm", "riscv64", "s390x", "ppc64", "loong64", "mips64el"];

let added = 0;
for (const meta of Object.values(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const parts = name.split("/").at(-1).split("-");
    const entry = { version, optional: true };
    if (meta.dev) entry.dev = true;
    const os = parts.find((part) => OSES.includes(part));
    const cpu = parts.find((part) => CPUS.includes(part));
    if (os) entry.os = [os];
    if (cpu) entry.cpu = [cpu];
    if (parts.includes("musl")) entry.libc = ["musl"];
    packages[key] = entry;
    added++;
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: ${added} missing optional platform package(s) recorded`);
