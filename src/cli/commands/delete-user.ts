import { deleteUser } from "../../domain/admin.js";
import { CLI_ACTOR, withRuntime } from "../open.js";
import { findUser, flagOption, noPositionals, userRefOption } from "../options.js";
import { CliUsageError, type Command } from "../usage.js";

export const deleteUserCommand: Command = {
  summary: "delete a user, their sessions and codes",
  help: `Usage: latchkey delete-user (--email EMAIL | --id ID) --yes

Deletes the user for good, with their sessions and pending codes; audit events keep
their id, and the deletion's event their email. The last active admin cannot be deleted. --yes is required: there is no undo.`,
  options: {
    email: { type: "string" },
    id: { type: "string" },
    yes: { type: "boolean" },
  },
  async run({ values, positionals, config }) {
    noPositionals("delete-user", positionals);
    const ref = userRefOption(values);
    if (!flagOption(values, "yes")) {
      throw new CliUsageError("delete-user cannot be undone: add --yes to confirm");
    }
    return withRuntime(config(), async ({ deps }) => {
      const user = await findUser(deps.stores, ref);
      await deleteUser(deps, CLI_ACTOR, user.id);
      console.log(`deleted ${user.email} (id ${user.id})`);
      return 0;
    });
  },
};
