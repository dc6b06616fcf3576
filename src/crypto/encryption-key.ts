import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SECRET_BOX_KEY_BYTES } from "./secret-box.js";

/**
 * The key the secret box seals second-factor secrets (TOTP seeds) with:
 * ENCRYPTION_KEY when set, else a key generated once and kept in DATA_DIR.
 *
 * Losing this key makes every sealed TOTP seed unreadable: each user with a TOTP factor
 * would have to enrol again (or sign in with a recovery code). A key file in DATA_DIR is
 * enough for one instance on its embedded database, whose data lives in that same folder.
 * In a cluster, or with DATABASE_URL, set ENCRYPTION_KEY instead: instances that do not
 * share DATA_DIR would each make a key of their own, and a seed sealed by one would not
 * open on another; and the database's backups are no use without the key they were sealed
 * with. The composition root warns when DATABASE_URL is set and ENCRYPTION_KEY is not.
 */

export const ENCRYPTION_KEY_FILE = "encryption.key";

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Says how to make a key, in every refusal: the refusal never shows the value itself. */
const HOW = `must be ${SECRET_BOX_KEY_BYTES} bytes (256 bits, for AES-256-GCM) as 64 hex characters or as base64; try: openssl rand -hex 32`;

export type DecodedKey =
  | { readonly key: Buffer; readonly problem?: undefined }
  | { readonly key?: undefined; readonly problem: string };

/**
 * Reads ENCRYPTION_KEY: 64 hex characters, or base64 / base64url (padded or not) of 32
 * bytes. The problem, when there is one, names the length at most, never the value.
 */
export function decodeEncryptionKey(text: string): DecodedKey {
  // Whitespace is never part of a key; a trailing newline from a secrets file is common.
  const raw = text.trim();
  if (HEX.test(raw) && raw.length === SECRET_BOX_KEY_BYTES * 2) {
    return { key: Buffer.from(raw, "hex") };
  }
  const base64 = BASE64.test(raw) || BASE64URL.test(raw);
  if (base64) {
    const bare = raw.replace(/=+$/, "");
    const encoding = /[-_]/.test(bare) ? "base64url" : "base64";
    const key = Buffer.from(bare, encoding);
    // Canonical only: bits an encoder never sets mean a mistyped or cut value.
    const canonical = key.toString(encoding).replace(/=+$/, "") === bare;
    if (key.length === SECRET_BOX_KEY_BYTES && canonical) return { key };
  }
  if (HEX.test(raw) && raw.length % 2 === 0) {
    return { problem: `is ${raw.length / 2} bytes of hex; ${HOW}` };
  }
  if (base64) return { problem: `does not decode to ${SECRET_BOX_KEY_BYTES} bytes; ${HOW}` };
  return { problem: `is neither hex nor base64; ${HOW}` };
}

export interface EncryptionKeySource {
  /** ENCRYPTION_KEY as configured (already validated by loadConfig), or undefined. */
  readonly configured: string | undefined;
  /** DATA_DIR: where the key file is kept when nothing is configured. */
  readonly dataDir: string;
}

/** The 32-byte key: the configured one, else the key file's, made on the first start. */
export async function loadEncryptionKey({
  configured,
  dataDir,
}: EncryptionKeySource): Promise<Buffer> {
  if (configured !== undefined) {
    const decoded = decodeEncryptionKey(configured);
    if (decoded.key === undefined) throw new Error(`ENCRYPTION_KEY: ${decoded.problem}`);
    return decoded.key;
  }
  const path = join(dataDir, ENCRYPTION_KEY_FILE);
  return (await readKeyFile(path)) ?? (await createKeyFile(dataDir, path));
}

/** The key in `path`, or undefined when there is no file yet. */
async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (bytes.length !== SECRET_BOX_KEY_BYTES) {
    // Never replaced: a new key would leave every secret sealed with the old one unreadable.
    throw new Error(
      `${path} holds ${bytes.length} bytes, not ${SECRET_BOX_KEY_BYTES}: restore the file from a backup or set ENCRYPTION_KEY; it is not replaced, since a new key would leave every TOTP factor unreadable`,
    );
  }
  return bytes;
}

/**
 * Makes the key file once, even when several processes start on one DATA_DIR at the same
 * moment. The key is written whole to a file of this process's own (opened with `wx`, mode
 * 0600: only the server's user reads it), flushed, then hard-linked into place. A link fails
 * when the name exists, so exactly one process wins, and the file is complete from the moment
 * it has its name: a loser never reads a half-written key. The loser reads the winner's.
 */
async function createKeyFile(dataDir: string, path: string): Promise<Buffer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const draft = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const key = randomBytes(SECRET_BOX_KEY_BYTES);
  const handle = await open(draft, "wx", 0o600);
  try {
    await handle.writeFile(key);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const theirs = await readKeyFile(path);
    if (theirs === undefined) throw error;
    return theirs;
  } finally {
    await unlink(draft);
  }
  await syncDirectory(dataDir);
  return key;
}

/** Makes the new name itself survive a crash; not every platform can open a folder (Windows). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the file's own contents were flushed before it got its name.
  }
}
