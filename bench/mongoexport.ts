import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { hash as bcryptHash } from "@node-rs/bcrypt";

/** Password of generated user n: one of a few, so only a few bcrypt hashes are made. */
export function mongoexportPassword(n: number): string {
  return `legacy-password-${n % PASSWORDS}`;
}

const PASSWORDS = 4;

/**
 * Writes `count` users as mongoexport writes them (JSON lines, canonical Extended JSON:
 * $oid, $date), of the fields `latchkey import` reads, mixed as a real export is: verified
 * or not, a few blocked, a few admins, some with a username or a locale. Hashes are bcrypt
 * at `cost` (4 by default: generation stays quick; the importer keeps them as they are).
 */
export async function writeMongoexport(file: string, count: number, cost = 4): Promise<void> {
  const hashes = await Promise.all(
    Array.from({ length: PASSWORDS }, (_, n) => bcryptHash(mongoexportPassword(n), { cost })),
  );
  const out = createWriteStream(file);
  const start = Date.UTC(2016, 0, 1);
  let chunk = "";
  for (let n = 0; n < count; n++) {
    const record: Record<string, unknown> = {
      _id: { $oid: (0x5a000000 + n).toString(16).padStart(24, "0") },
      email: `legacy-${n}@import.example.com`,
      password: hashes[n % PASSWORDS],
      name: `Legacy User ${n}`,
      isVerified: n % 10 !== 0,
      createdAt: { $date: new Date(start + n * 157_000).toISOString() },
    };
    if (n % 3 === 0) record.username = `legacy${n}`;
    if (n % 50 === 0) record.isBlocked = true;
    if (n % 1000 === 1) record.role = "admin";
    if (n % 4 === 0) record.locale = "de";
    chunk += `${JSON.stringify(record)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}
