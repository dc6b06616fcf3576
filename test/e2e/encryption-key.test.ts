import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { ENCRYPTION_KEY_FILE } from "../../src/crypto/encryption-key.js";
import { createSecretBox } from "../../src/crypto/secret-box.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const WARNING = "ENCRYPTION_KEY is unset";

/** deps.secrets as the runtime wires it: the key of ENCRYPTION_KEY, else DATA_DIR's file. */
describeEachStore("the encryption key in the runtime", (store) => {
  const servers: TestServer[] = [];
  const dirs: string[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer({ store, env });
    servers.push(server);
    return server;
  };
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "latchkey-runtime-key-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("seals with ENCRYPTION_KEY when it is set, and keeps no file", async () => {
    const key = randomBytes(32);
    const dataDir = tempDir();
    const server = await start({ ENCRYPTION_KEY: key.toString("base64url"), DATA_DIR: dataDir });
    const sealed = createSecretBox(key).seal(Buffer.from("seed"), "factor:1:totp");
    expect(server.runtime.deps.secrets.open(sealed, "factor:1:totp")?.toString()).toBe("seed");
    expect(() => statSync(join(dataDir, ENCRYPTION_KEY_FILE))).toThrow(/ENOENT/);
    expect(server.logs.join("")).not.toContain(WARNING);
  });

  it("without ENCRYPTION_KEY, makes a key in DATA_DIR once and opens with it after a restart", async () => {
    const dataDir = tempDir();
    // An empty value is unset: it replaces the key the test server is otherwise given.
    const first = await start({ ENCRYPTION_KEY: "", DATA_DIR: dataDir });
    const path = join(dataDir, ENCRYPTION_KEY_FILE);
    const key = readFileSync(path);
    expect(key).toHaveLength(32);
    const sealed = first.runtime.deps.secrets.seal(Buffer.from("seed"), "factor:1:totp");
    expect(createSecretBox(key).open(sealed, "factor:1:totp")?.toString()).toBe("seed");

    const second = await start({ ENCRYPTION_KEY: "", DATA_DIR: dataDir });
    expect(second.runtime.deps.secrets.open(sealed, "factor:1:totp")?.toString()).toBe("seed");
    expect(readFileSync(path)).toEqual(key);
    // On PostgreSQL, instances may not share DATA_DIR: the operator is told to set the key.
    const warned = first.logs.join("").includes(WARNING);
    expect(warned).toBe(store.name === "PostgreSQL");
  });

  it("refuses to start on a key file of the wrong size", async () => {
    const dataDir = tempDir();
    const first = await start({ ENCRYPTION_KEY: "", DATA_DIR: dataDir });
    await first.close();
    servers.splice(0);
    const path = join(dataDir, ENCRYPTION_KEY_FILE);
    writeFileSync(path, randomBytes(16));
    await expect(start({ ENCRYPTION_KEY: "", DATA_DIR: dataDir })).rejects.toThrow(
      `${path} holds 16 bytes, not 32`,
    );
  });
});
