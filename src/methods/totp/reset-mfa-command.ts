import { CLI_ACTOR, withRuntime } from "../../cli/open.js";
import { findUser, noPositionals, userRefOption } from "../../cli/options.js";
import type { Command } from "../../cli/usage.js";
import { resetSecondFactors } from "./admin-reset.js";

export const resetMfaCommand: Command = {
  summary: "remove a user's second factors (lost phone, or locked after 100 wrong codes)",
  help: `Usage: latchkey reset-mfa (--email EMAIL | --id ID)

Removes the user's authenticator apps, passkeys, recovery codes and failure counts, and ends their
sessions: they sign in with their password alone again, and may set up a new factor.`,
  options: {
    email: { type: "string" },
    id: { type: "string" },
  },
  async run({ values, positionals, config }) {
    noPositionals("reset-mfa", positionals);
    const ref = userRefOption(values);
    return withRuntime(config(), async ({ deps }) => {
      const user = await findUser(deps.stores, ref);
      await resetSecondFactors(deps, CLI_ACTOR, user.id);
      console.log(`second factors of ${user.email} removed; their sessions ended`);
      return 0;
    });
  },
};
