import { once } from "node:events";
import { open } from "node:fs/promises";
import type { Writable } from "node:stream";
import { toPublicUser } from "../../domain/public-user.js";
import type { UserRecord } from "../../storage/ports.js";
import { withStores } from "../open.js";
import { flagOption, noPositionals, stringOption } from "../options.js";
import { CliUsageError, type Command } from "../usage.js";

/** Rows per query: keyset paging on (created_at, id), so page 1,000 costs what page 1 does. */
const PAGE_SIZE = 1000;

export const exportCommand: Command = {
  summary: "write every user as JSON lines (no secrets unless --with-hashes)",
  help: `Usage: latchkey export [--out FILE] [--with-hashes]

Writes one JSON object per user, newest first: id, email, name, username, status, role,
emailVerified, mfaEnabled, createdAt, legacyId, locale. Streams page by page, so any number
of users. Second factors are not exported: mfaEnabled says whose must be set up again.

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
    const file = out === undefined ? undefined : await openPrivate(out);
    return withStores(settings, async (stores) => {
      const target: Writable = file ?? process.stdout;
      let count = 0;
      let after: { createdAt: Date; id: string } | undefined;
      while (!target.destroyed) {
        const users = await stores.users.list({ limit: PAGE_SIZE, after });
        if (users.length === 0) break;
        const text = users
          .map((user) => `${JSON.stringify(toExported(user, withHashes))}\n`)
          .join("");
        if (!target.write(text)) await drained(target);
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
    ...toPublicUser(user),
    legacyId: user.legacyId,
    locale: user.locale,
    ...(withHash ? { passwordHash: user.passwordHash } : {}),
  };
}

/** Resolves when the stream wants more, or is gone: a reader that left (EPIPE) never drains. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

/** Hashes may be in it: only the owner reads it, even if the file existed before. */
async function openPrivate(path: string): Promise<Writable> {
  try {
    const handle = await open(path, "w", 0o600);
    await handle.chmod(0o600);
    return handle.createWriteStream();
  } catch (error) {
    throw new CliUsageError(
      `cannot write --out ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}
