import { readFileSync, writeFileSync } from "node:fs";
import { DOCUMENTED_VARS } from "../src/config/env-schema.js";
import { type DocumentedVar, GROUPS, type Group } from "../src/config/env-var.js";

const START = "<!-- config-table -->";
const END = "<!-- /config-table -->";

const cell = (text: string) => text.replaceAll("|", "\\|");

function row(v: DocumentedVar): string {
  const names = [v.name, ...v.aliases.map((a) => `${a} (alias)`)].join(", ");
  return `| ${names} | ${cell(v.default)} | ${cell(v.description)} |`;
}

/** The README's configuration tables, one per group, from the declarations loadConfig validates with. */
export function configTable(): string {
  return (Object.entries(GROUPS) as [Group, string][])
    .map(([group, title]) => {
      const rows = DOCUMENTED_VARS.filter((v) => v.group === group).map(row);
      return [`### ${title}`, "", "| variable | default | meaning |", "|---|---|---|", ...rows];
    })
    .map((lines) => lines.join("\n"))
    .join("\n\n");
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
