import { readFileSync, writeFileSync } from "node:fs";
import { DOCUMENTED_VARS } from "../src/config/env-schema.js";

const START = "<!-- config-table -->";
const END = "<!-- /config-table -->";

/** The README's configuration table, from the same schema loadConfig validates with. */
export function configTable(): string {
  const rows = DOCUMENTED_VARS.map((v) => {
    const names = [v.name, ...v.aliases.map((a) => `${a} (alias)`)].join(", ");
    return `| ${names} | ${v.default.replaceAll("|", "\\|")} | ${v.description.replaceAll("|", "\\|")} |`;
  });
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

/** README.md with the table between its markers replaced by the current one. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error("README.md has no config-table markers");
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}

// `npx tsx scripts/config-table.ts` rewrites the table in README.md.
if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync("README.md", withConfigTable(readFileSync("README.md", "utf8")));
  console.log("README.md: configuration table updated");
}
