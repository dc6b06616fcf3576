import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/composition/sign-in-methods.js";
import { errorCatalog } from "../../src/errors.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

// Built, so this file does not mention the name it looks for.
const OUTSIDE_FILE = ["CONTRACT", "md"].join(".");
const NOT_SOURCE = new Set(["node_modules", ".git", "dist", "data", "coverage"]);

function* repositoryFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCE.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* repositoryFiles(path);
    else if (entry.isFile()) yield path;
  }
}

describe("README.md is the API reference", () => {
  const readme = readFileSync("README.md", "utf8");
  let server: TestServer;
  let paths: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
    paths = (await server.get("/openapi.json")).body.paths;
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`points to no file outside the repository (${OUTSIDE_FILE})`, () => {
    const mentions = [...repositoryFiles(".")].filter((file) =>
      readFileSync(file, "latin1").includes(OUTSIDE_FILE),
    );
    expect(mentions).toEqual([]);
  });

  it("has a table row for every route of the API", () => {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{(\w+)\}/g, ":$1");
        const row = `| ${method.toUpperCase()} | \`${url}\` |`;
        if (!readme.includes(row)) missing.push(row);
      }
    }
    expect(Object.keys(paths).length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it("lists every error code with its status and message", () => {
    for (const [code, { status, message }] of errorCatalog()) {
      expect(readme).toContain(`| ${code} | ${status} | ${message} |`);
    }
  });
});
