import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  decodeEncryptionKey,
  ENCRYPTION_KEY_FILE,
  loadEncryptionKey,
} from "../../src/crypto/encryption-key.js";
import { createSecretBox } from "../../src/crypto/secret-box.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "latchkey-key-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("decodeEncryptionKey", () => {
  const key = randomBytes(32);

  it.each([
    ["hex", key.toString("hex")],
    ["base64", key.toString("base64")],
    ["base64 without padding", key.toString("base64").replace(/=+$/, "")],
    ["base64url", key.toString("base64url")],
    ["surrounded by whitespace", `  ${key.toString("hex")}\n`],
  ])("reads %s", (_form, text) => {
    expect(decodeEncryptionKey(text).key).toEqual(key);
  });

  it("refuses base64 whose last character carries bits no encoder sets", () => {
    const text = Buffer.alloc(32).toString("base64url"); // 43 × "A": the last holds 2 spare bits
    expect(decodeEncryptionKey(`${text.slice(0, -1)}B`).problem).toMatch(/not decode to 32/);
  });

  it("refuses a value that mixes the two base64 alphabets", () => {
    const text = `+${key.toString("base64url").slice(1, -1)}_`;
    expect(decodeEncryptionKey(text).problem).toMatch(/neither hex nor base64/);
  });
});

describe("loadEncryptionKey", () => {
  it("uses ENCRYPTION_KEY when it is set, and writes no file", async () => {
    const dataDir = tempDir();
    const key = randomBytes(32);
    expect(await loadEncryptionKey({ configured: key.toString("hex"), dataDir })).toEqual(key);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it("refuses a bad ENCRYPTION_KEY without quoting it", async () => {
    const attempt = loadEncryptionKey({ configured: "hunter2!hunter2", dataDir: tempDir() });
    await expect(attempt).rejects.toThrow(/^ENCRYPTION_KEY: is neither hex nor base64/);
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it("creates the key file once, mode 0600, and a second load reads the same key", async () => {
    const dataDir = join(tempDir(), "not-yet-made");
    const first = await loadEncryptionKey({ configured: undefined, dataDir });
    const path = join(dataDir, ENCRYPTION_KEY_FILE);
    expect(first).toHaveLength(32);
    expect(readFileSync(path)).toEqual(first);
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).toBe(0o600);
    // Only the key: the draft this process wrote first is gone.
    expect(readdirSync(dataDir)).toEqual([ENCRYPTION_KEY_FILE]);

    const second = await loadEncryptionKey({ configured: undefined, dataDir });
    expect(second).toEqual(first);
  });

  it("gives concurrent first loads one key: the losers read the winner's", async () => {
    const dataDir = tempDir();
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => loadEncryptionKey({ configured: undefined, dataDir })),
    );
    const hex = new Set(keys.map((key) => key.toString("hex")));
    expect(hex.size).toBe(1);
    expect(readFileSync(join(dataDir, ENCRYPTION_KEY_FILE)).toString("hex")).toBe([...hex][0]);
    expect(readdirSync(dataDir)).toEqual([ENCRYPTION_KEY_FILE]);
  });

  it("opens after a restart what it sealed before", async () => {
    const dataDir = tempDir();
    const sealed = createSecretBox(
      await loadEncryptionKey({ configured: undefined, dataDir }),
    ).seal(Buffer.from("seed"), "factor:1");
    const reopened = createSecretBox(await loadEncryptionKey({ configured: undefined, dataDir }));
    expect(reopened.open(sealed, "factor:1")?.toString()).toBe("seed");
  });

  it.each([0, 31, 33, 64])(
    "refuses a key file of %i bytes and leaves it as it is",
    async (size) => {
      const dataDir = tempDir();
      const path = join(dataDir, ENCRYPTION_KEY_FILE);
      const content = randomBytes(size);
      writeFileSync(path, content);
      await expect(loadEncryptionKey({ configured: undefined, dataDir })).rejects.toThrow(
        `${path} holds ${size} bytes, not 32`,
      );
      expect(readFileSync(path)).toEqual(content);
    },
  );
});
