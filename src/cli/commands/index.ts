import { SIGN_IN_METHODS } from "../../composition/sign-in-methods.js";
import type { Command } from "../usage.js";
import { blockCommand } from "./block.js";
import { calibrateCommand } from "./calibrate.js";
import { createUserCommand } from "./create-user.js";
import { deleteUserCommand } from "./delete-user.js";
import { exportCommand } from "./export.js";
import { importCommand } from "./import.js";
import { listUsersCommand } from "./list-users.js";
import { migrateCommand } from "./migrate.js";
import { purgeExpiredCommand } from "./purge-expired.js";
import { rotateKeysCommand } from "./rotate-keys.js";
import { setRoleCommand } from "./set-role.js";
import { statsCommand } from "./stats.js";
import { unblockCommand } from "./unblock.js";
import { webhooksCommand } from "./webhooks.js";

export const COMMANDS: Record<string, Command> = {
  migrate: migrateCommand,
  "create-user": createUserCommand,
  "set-role": setRoleCommand,
  block: blockCommand,
  unblock: unblockCommand,
  "delete-user": deleteUserCommand,
  "list-users": listUsersCommand,
  stats: statsCommand,
  "rotate-keys": rotateKeysCommand,
  calibrate: calibrateCommand,
  "purge-expired": purgeExpiredCommand,
  import: importCommand,
  export: exportCommand,
  webhooks: webhooksCommand,
  // Each sign-in method's own (composition/sign-in-methods.ts).
  ...Object.assign({}, ...SIGN_IN_METHODS.map((method) => method.commands ?? {})),
};
