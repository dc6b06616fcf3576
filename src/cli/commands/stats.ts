import { type AccountStats, getAccountStats } from "../../domain/stats.js";
import { withStores } from "../open.js";
import { flagOption, noPositionals } from "../options.js";
import type { Command } from "../usage.js";

export const statsCommand: Command = {
  summary: "count users by status and role, legacy password hashes and live sessions",
  help: `Usage: latchkey stats [--json]

What GET /admin/stats answers: users by status and by role, how many still have a
legacy (bcrypt) password hash from an import (each is upgraded to argon2id at the user's
next login), and live sessions. MFA is "not available" until Latchkey has it.

  --json   the same counts as one JSON object (the API's \`stats\` shape)`,
  options: { json: { type: "boolean" } },
  async run({ values, positionals, config }) {
    noPositionals("stats", positionals);
    const json = flagOption(values, "json");
    return withStores(config(), async (stores) => {
      const stats = await getAccountStats({ stores, clock: () => new Date() });
      console.log(json ? JSON.stringify(stats) : formatStats(stats));
      return 0;
    });
  },
};

export function formatStats(stats: AccountStats): string {
  const { users } = stats;
  const rows: [string, string][] = [
    ["users", String(users.total)],
    ...Object.entries(users.byStatus).map(([status, n]): [string, string] => [
      `  ${status}`,
      String(n),
    ]),
    ...Object.entries(users.byRole).map(([role, n]): [string, string] => [`  ${role}`, String(n)]),
    ["legacy password hashes", String(stats.legacyPasswordHashes)],
    ["live sessions", String(stats.sessions.live)],
    ["users with mfa", String(stats.mfa.enabled)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}
