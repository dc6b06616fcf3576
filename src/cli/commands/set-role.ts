import { updateUser } from "../../domain/admin.js";
import { CLI_ACTOR, withRuntime } from "../open.js";
import { choiceOption, findUser, noPositionals, ROLES, userRefOption } from "../options.js";
import { CliUsageError, type Command } from "../usage.js";

export const setRoleCommand: Command = {
  summary: "make a user an admin, or an admin a user",
  help: `Usage: latchkey set-role (--email EMAIL | --id ID) --role user|admin

Changes a user's role, with the admin API's rules: demoting an admin ends their sessions
at once, and the last active admin cannot be demoted.`,
  options: {
    email: { type: "string" },
    id: { type: "string" },
    role: { type: "string" },
  },
  async run({ values, positionals, config }) {
    noPositionals("set-role", positionals);
    const ref = userRefOption(values);
    const role = choiceOption(values, "role", ROLES);
    if (!role) throw new CliUsageError('missing --role ("user" or "admin")');
    return withRuntime(config(), async ({ deps }) => {
      const user = await findUser(deps.stores, ref);
      if (user.role === role) {
        console.log(`${user.email} is already ${role}; nothing changed`);
        return 0;
      }
      await updateUser(deps, CLI_ACTOR, user.id, { role });
      const ended = role === "user" ? "; their sessions are revoked" : "";
      console.log(`${user.email} is now ${role}${ended}`);
      return 0;
    });
  },
};
