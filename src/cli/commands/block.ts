import { updateUser } from "../../domain/admin.js";
import { CLI_ACTOR, withRuntime } from "../open.js";
import { findUser, noPositionals, userRefOption } from "../options.js";
import type { Command } from "../usage.js";

export const blockCommand: Command = {
  summary: "block a user and revoke their sessions",
  help: `Usage: latchkey block (--email EMAIL | --id ID)

Blocks the user: login answers 403 ACCOUNT_BLOCKED and every refresh session is revoked at
once (access tokens already issued live out their ACCESS_TOKEN_TTL). The last active admin
cannot be blocked. Undo with \`latchkey unblock\`.`,
  options: {
    email: { type: "string" },
    id: { type: "string" },
  },
  async run({ values, positionals, config }) {
    noPositionals("block", positionals);
    const ref = userRefOption(values);
    return withRuntime(config(), async ({ deps }) => {
      const user = await findUser(deps.stores, ref);
      if (user.status === "blocked") {
        console.log(`${user.email} is already blocked; nothing changed`);
        return 0;
      }
      await updateUser(deps, CLI_ACTOR, user.id, { status: "blocked" });
      console.log(`blocked ${user.email}; their sessions are revoked`);
      return 0;
    });
  },
};
