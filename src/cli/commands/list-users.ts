import { listUsers, MAX_PAGE_SIZE } from "../../domain/admin.js";
import { toPublicUser } from "../../domain/public-user.js";
import type { UserRecord } from "../../storage/ports.js";
import { withRuntime } from "../open.js";
import {
  choiceOption,
  flagOption,
  noPositionals,
  positiveIntOption,
  ROLES,
  STATUSES,
  stringOption,
} from "../options.js";
import type { Command } from "../usage.js";

const DEFAULT_LIMIT = 50;

export const listUsersCommand: Command = {
  summary: "list users, newest first (a table, or JSON lines)",
  help: `Usage: latchkey list-users [--q TEXT] [--status pending|active|blocked]
                          [--role user|admin] [--limit N] [--json]

  --q TEXT     case-insensitive part of the email, name or username
  --status S   only users with this status
  --role R     only users with this role
  --limit N    at most N users (default ${DEFAULT_LIMIT}); a note on stderr says when there are more
  --json       one JSON user object per line (the API's user shape) instead of a table

For every user, as JSON lines with legacy ids and optional hashes, see \`latchkey export\`.`,
  options: {
    q: { type: "string" },
    status: { type: "string" },
    role: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  },
  async run({ values, positionals, config }) {
    noPositionals("list-users", positionals);
    const q = stringOption(values, "q");
    const status = choiceOption(values, "status", STATUSES);
    const role = choiceOption(values, "role", ROLES);
    const limit = positiveIntOption(values, "limit") ?? DEFAULT_LIMIT;
    const json = flagOption(values, "json");
    return withRuntime(config(), async ({ deps }) => {
      const users: UserRecord[] = [];
      let cursor: string | undefined;
      let more = false;
      do {
        const page = await listUsers(deps, {
          q,
          status,
          role,
          cursor,
          limit: Math.min(MAX_PAGE_SIZE, limit - users.length),
        });
        users.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        more = cursor !== undefined;
      } while (more && users.length < limit);
      if (json) {
        for (const user of users) console.log(JSON.stringify(toPublicUser(user)));
      } else {
        console.log(formatTable(users));
      }
      if (more) console.error(`(more users match: raise --limit above ${limit} to see them)`);
      return 0;
    });
  },
};

const COLUMNS: [title: string, cell: (user: UserRecord) => string][] = [
  ["ID", (u) => u.id],
  ["EMAIL", (u) => u.email],
  ["ROLE", (u) => u.role],
  ["STATUS", (u) => u.status],
  ["VERIFIED", (u) => (u.emailVerifiedAt ? "yes" : "no")],
  ["CREATED", (u) => u.createdAt.toISOString().slice(0, 19).replace("T", " ")],
  ["NAME", (u) => u.name ?? ""],
  ["USERNAME", (u) => u.username ?? ""],
];

export function formatTable(users: UserRecord[]): string {
  if (users.length === 0) return "no users";
  const rows = [
    COLUMNS.map(([title]) => title),
    ...users.map((u) => COLUMNS.map(([, cell]) => cell(u))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => [...(row[i] ?? "")].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - [...cell].length))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
