import { afterAll, beforeAll, expect, it } from "vitest";
import {
  CLI_TIMEOUT,
  type CliDatabase,
  describeEachDatabase,
  errorLine,
  runCli,
} from "./support.js";

describeEachDatabase("CLI webhooks", (makeDatabase) => {
  let database: CliDatabase;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(["webhooks", ...args], { ...database.env, ...env });

  beforeAll(async () => {
    database = await makeDatabase();
  }, CLI_TIMEOUT);
  afterAll(() => database?.drop());

  // 203.0.113.10 (TEST-NET-3) is public to the address check and needs no DNS.
  it(
    "adds, lists, rotates and removes an endpoint; the secret is printed only by add and rotate",
    async () => {
      const added = await cli([
        "add",
        "--url",
        "https://203.0.113.10/latchkey",
        "--events",
        "user.created,user.deleted",
      ]);
      expect(added.code, added.stderr).toBe(0);
      const id = /added webhook (\S+)/.exec(added.stdout)?.[1] ?? "";
      const secret = /secret \(shown once\): (whsec_\S+)/.exec(added.stdout)?.[1];
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

      const listed = await cli(["list", "--json"]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout.trim())).toMatchObject({
        id,
        url: "https://203.0.113.10/latchkey",
        events: ["user.created", "user.deleted"],
        enabled: true,
      });
      expect(listed.stdout).not.toMatch(/whsec_|secretSealed/);

      const rotated = await cli(["rotate-secret", "--id", id]);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout).toMatch(/whsec_/);
      expect(rotated.stdout).not.toContain(secret);

      const removed = await cli(["remove", "--id", id]);
      expect(removed.code, removed.stderr).toBe(0);
      expect((await cli(["list"])).stdout.trim()).toBe("");
      const again = await cli(["remove", "--id", id]);
      expect(again.code).toBe(1);
      expect(errorLine(again)).toMatch(/No such webhook/);
    },
    CLI_TIMEOUT,
  );

  it(
    "refuses a URL on a loopback or private address, and an unknown action",
    async () => {
      const refused = await cli(["add", "--url", "http://127.0.0.1:9/hook"]);
      expect(refused.code).toBe(1);
      expect(errorLine(refused)).toMatch(/^latchkey: url: The URL resolves to a loopback address/);
      const unknown = await cli(["frob"]);
      expect(unknown.code).toBe(1);
      expect(errorLine(unknown)).toMatch(/webhooks needs one of add, list, remove, rotate-secret/);
    },
    CLI_TIMEOUT,
  );
});
