import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withConfigTable } from "../../scripts/config-table.js";
import { DOCUMENTED_VARS } from "../../src/config/env-schema.js";

describe("README.md", () => {
  const readme = readFileSync("README.md", "utf8");

  it("documents every configuration variable, exactly as the schema has it", () => {
    // Fails when a variable is added or changed without `npx tsx scripts/config-table.ts`.
    expect(readme).toBe(withConfigTable(readme));
    for (const variable of DOCUMENTED_VARS) expect(readme).toContain(`| ${variable.name}`);
  });

  it("starts with the two commands: install and start, and npm test", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(firstBlock).toMatch(/^npm ci && npm start/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });
});
