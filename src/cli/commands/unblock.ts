import { updateUser } from "../../domain/admin.js";
import { CLI_ACTOR, withRuntime } from "../open.js";
import { findUser, noPositionals, userRefOption } from "../options.js";
import type { Command } from "../usage.js";

export const unblockCommand: Command = {
  summary: "lift a block",
  help: `Usage: latchkey unblock (--email EMAIL | --id ID)

Makes a blocked user active again, or pending if they never verified their email (and
REQUIRE_EMAIL_VERIFICATION is on): unblocking does not vouch for a mailbox.`,
  options: {
    email: { type: "string" },
    id: { type: "string" },
  },
  async run({ values, positionals, config }) {
    noPositionals("unblock", positionals);
    const ref = userRefOption(values);
    const settings = config();
    return withRuntime(settings, async ({ deps }) => {
      const user = await findUser(deps.stores, ref);
      if (user.status !== "blocked") {
        console.log(`${user.email} is not blocked (${user.status}); nothing changed`);
        return 0;
      }
      const status =
        user.emailVerifiedAt === null && settings.requireEmailVerification ? "pending" : "active";
      await updateUser(deps, CLI_ACTOR, user.id, { status });
      console.log(`unblocked ${user.email}; status ${status}`);
      return 0;
    });
  },
};
