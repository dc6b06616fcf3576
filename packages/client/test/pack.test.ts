import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

interface PackResult {
  name: string;
  version: string;
  files: { path: string }[];
}

import { ensureClientBuilt } from "./support.js";

describe("@latchkey/client package", () => {
  it("packs the built ESM and its types, a README and package.json: no tests, sources, maps or secrets", () => {
    ensureClientBuilt();
    const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: packageDir,
      encoding: "utf8",
    });
    const [result] = JSON.parse(output) as PackResult[];
    expect(result?.name).toBe("@latchkey/client");
    expect(result?.version).toBe("0.1.0");
    const paths = (result?.files ?? []).map((f) => f.path).sort();
    expect(paths).toContain("dist/index.js");
    expect(paths).toContain("dist/index.d.ts");
    expect(paths).toContain("dist/generated/openapi.d.ts");
    expect(paths).toContain("README.md");
    expect(paths).toContain("package.json");
    for (const path of paths) {
      expect(path, path).toMatch(/^(dist\/.+\.(js|d\.ts)|README\.md|package\.json)$/);
      expect(path, path).not.toMatch(/test|\.map$|\.env|\.pem|\.key$|^src\/|scripts\//);
    }
  });

  it("exports ESM with types, version 0.1.0 like the server", async () => {
    const manifest = (await import("../package.json", { with: { type: "json" } })).default;
    expect(manifest.type).toBe("module");
    expect(manifest.exports["."]).toEqual({
      types: "./dist/index.d.ts",
      default: "./dist/index.js",
    });
    const root = (await import("../../../package.json", { with: { type: "json" } })).default;
    expect(manifest.version).toBe(root.version);
    expect(Object.keys(manifest).filter((k) => /dependencies$/i.test(k))).toEqual([]);
  });

  it("the built package loads in plain Node and names its API version", async () => {
    const built = await import(join(packageDir, "dist/index.js"));
    expect(typeof built.createLatchkeyClient).toBe("function");
    expect(built.API_VERSION).toBe("0.1.0");
  });
});
