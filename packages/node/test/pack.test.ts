import { execFile } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const PACKAGE = join(import.meta.dirname, "..");
const ROOT = join(PACKAGE, "..", "..");
const FIXTURES = join(import.meta.dirname, "fixtures");
const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));

interface Packed {
  filename: string;
  files: { path: string }[];
}

/** `npm pack` runs `prepare`, which builds dist/ as a clean clone's `npm ci` does. */
async function pack(args: string[]): Promise<Packed> {
  const { stdout } = await run("npm", ["pack", "--json", ...args], { cwd: PACKAGE });
  return (JSON.parse(stdout) as Packed[])[0] as Packed;
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe("@latchkey/node as published", () => {
  it("packs only its compiled code and types: no tests, sources, source maps or secrets", async () => {
    const paths = (await pack(["--dry-run"])).files.map((file) => file.path).sort();
    for (const path of paths)
      expect(path).toMatch(/^(package\.json|README\.md|dist\/[a-z-]+\.(js|d\.ts))$/);
    expect(
      paths.filter((path) => /test|\.map$|\.env|\.pem$|\.key$|\.tsbuildinfo$/.test(path)),
    ).toEqual([]);
    // Every entry of the exports map is in the tarball.
    const targets = Object.values(
      manifest.exports as Record<string, string | Record<string, string>>,
    )
      .flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)))
      .map((target) => target.replace(/^\.\//, ""));
    expect(targets.filter((target) => !paths.includes(target))).toEqual([]);
    expect(paths).toContain("README.md");
  });

  it("follows the server's version and depends on jose alone", () => {
    const server = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(manifest.version).toBe(server.version);
    expect(Object.keys(manifest.dependencies)).toEqual(["jose"]);
    expect(manifest.peerDependenciesMeta).toEqual({
      express: { optional: true },
      fastify: { optional: true },
      hono: { optional: true },
    });
  });

  it("installed from its tarball, runs on plain Node and type-checks in a service", async () => {
    const app = mkdtempSync(join(tmpdir(), "latchkey-node-consumer-"));
    temporary.push(app);
    const modules = join(app, "node_modules");
    mkdirSync(join(modules, "@latchkey"), { recursive: true });
    // The service's other dependencies: those this repository installed.
    for (const entry of readdirSync(join(ROOT, "node_modules"))) {
      if (entry !== "@latchkey" && entry !== ".bin") {
        symlinkSync(join(ROOT, "node_modules", entry), join(modules, entry));
      }
    }
    const { filename } = await pack(["--pack-destination", app]);
    await run("tar", ["-xzf", join(app, filename), "-C", join(modules, "@latchkey")]);
    await run("mv", [join(modules, "@latchkey", "package"), join(modules, "@latchkey", "node")]);
    for (const file of ["consumer.ts.txt", "tsconfig.json", "runtime.mjs"]) {
      copyFileSync(join(FIXTURES, file), join(app, file.replace(/\.txt$/, "")));
    }
    writeFileSync(join(app, "package.json"), '{ "type": "module" }\n');

    const { stdout } = await run(process.execPath, ["runtime.mjs"], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({
      "@latchkey/node": [
        "ACCESS_COOKIE",
        "AccessDenied",
        "createAuthenticator",
        "createVerifier",
        "defaultJwksUrl",
        "verifyAccessToken",
      ],
      "@latchkey/node/express": ["requireAuth"],
      "@latchkey/node/fastify": ["authOf", "latchkeyAuth"],
      "@latchkey/node/hono": ["requireAuth"],
      "require(@latchkey/node)": [
        "ACCESS_COOKIE",
        "AccessDenied",
        "createAuthenticator",
        "createVerifier",
        "defaultJwksUrl",
        "verifyAccessToken",
      ],
    });
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const checked = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app }).catch(
      (error: { stdout: string }) => error,
    );
    expect(checked.stdout).toBe("");
  });
});
