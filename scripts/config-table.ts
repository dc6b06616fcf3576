import { DOCUMENTED_VARS } from "../src/config/env-schema.js";

/** The README's configuration table, from the same schema loadConfig validates with. */
export function configTable(): string {
  const rows = DOCUMENTED_VARS.map((v) => {
    const names = [v.name, ...v.aliases.map((a) => `${a} (alias)`)].join(", ");
    return `| ${names} | ${v.default.replaceAll("|", "\\|")} | ${v.description.replaceAll("|", "\\|")} |`;
  });
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(configTable());
