import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import type { UserRecord } from "../../storage/ports.js";
import { withStores } from "../open.js";
import { flagOption, noPositionals, stringOption } from "../options.js";
import type { Command } from "../usage.js";

/** Rows per query: keyset paging on (created_at, id), so page 1,000 costs what page 1 does. */
const PAGE_SIZE = 1000;

export const exportCommand: Command = {
  summary: "write every user as JSON lines (no secrets unless --with-hashes)",
  help: `Usage: latchkey export [--out FILE] [--with-hashes]

Writes one JSON object per user, newest first: id, email, name, username, status, role,
emailVerified, createdAt, legacyId, locale. Streams page by page, so any number of users.

  --out FILE       write to FILE (created with mode 0600) instead of stdout
  --with-hashes    add passwordHash. Treat the output as a secret: these hashes let anyone
                   who holds them try passwords offline.

\`latchkey import\` reads this format back (passwordHash, legacyId and emailVerified included).`,
  options: {
    out: { type: "string" },
    "with-hashes": { type: "boolean" },
  },
  async run({ values, positionals, config }) {
    noPositionals("export", positionals);
    const out = stringOption(values, "out");
    const withHashes = flagOption(values, "with-hashes");
    const settings = config();
    return withStores(settings, async (stores) => {
      const target: Writable = out
        ? createWriteStream(out, { mode: 0o600, flags: "w" })
        : process.stdout;
      let count = 0;
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const users = await stores.users.list({ limit: PAGE_SIZE, after });
        if (users.length === 0) break;
        const text = users
          .map((user) => `${JSON.stringify(toExported(user, withHashes))}\n`)
          .join("");
        if (!target.write(text)) await once(target, "drain");
        count += users.length;
        const last = users.at(-1) as UserRecord;
        after = { createdAt: last.createdAt, id: last.id };
        if (users.length < PAGE_SIZE) break;
      }
      if (out) {
        target.end();
        await once(target, "finish");
        console.error(`exported ${count} users to ${out}`);
      }
      return 0;
    });
  },
};

export function toExported(user: UserRecord, withHash: boolean): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    username: user.username,
    status: user.status,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
    legacyId: user.legacyId,
    locale: user.locale,
    ...(withHash ? { passwordHash: user.passwordHash } : {}),
  };
}
