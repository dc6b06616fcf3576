import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = join(process.cwd(), "scripts", "check-engines.mjs");
const checkEngines = (dir: string) =>
  spawnSync(process.execPath, [SCRIPT, dir], { encoding: "utf8" });

describe("engines.node of the installed dependencies", () => {
  const fixtures = mkdtempSync(join(tmpdir(), "latchkey-engines-"));
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

  /** A project declaring `ours`, with one (nested) dependency declaring `theirs`. */
  function project(name: string, ours: string, theirs: string): string {
    const dir = join(fixtures, name);
    const dep = join(dir, "node_modules", "@scope", "outer", "node_modules", "inner");
    mkdirSync(dep, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ engines: { node: ours } }));
    const meta = { name: "inner", version: "1.0.0", engines: { node: theirs } };
    writeFileSync(join(dep, "package.json"), JSON.stringify(meta));
    return dir;
  }

  it("all fit this project's range and the running Node (npm ci prints no EBADENGINE)", () => {
    const result = checkEngines(process.cwd());
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("the check fails on a dependency that excludes the running Node", () => {
    const result = checkEngines(project("too-new", ">=20.19", ">=99"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("inner@1.0.0 (node >=99) excludes the running Node");
  });

  it("the check fails on a dependency that excludes part of the declared range", () => {
    const ours = JSON.parse(readFileSync("package.json", "utf8")).engines.node as string;
    const result = checkEngines(project("narrower", ours, `${process.version} || >=99`));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("excludes part of this project's range");
  });
});
