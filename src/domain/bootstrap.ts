import { acceptNewUser, createUser } from "./create-user.js";
import type { Deps } from "./deps.js";

export type BootstrapOutcome = "created" | "promoted" | "skipped";

/**
 * BOOTSTRAP_ADMIN_EMAIL / _PASSWORD: when no admin exists yet, make this account an
 * active, verified admin (creating it, or promoting the user who already has the email).
 * The password meets the rules of any new user's, named by its variable when it does not.
 */
export async function ensureBootstrapAdmin(deps: Deps): Promise<BootstrapOutcome> {
  const { bootstrapAdminEmail, bootstrapAdminPassword } = deps.config;
  if (!bootstrapAdminEmail || !bootstrapAdminPassword) return "skipped";
  if (await deps.stores.users.hasAdmin()) return "skipped";
  const accepted = await acceptNewUser(
    deps,
    { email: bootstrapAdminEmail, password: bootstrapAdminPassword },
    { email: "BOOTSTRAP_ADMIN_EMAIL", password: "BOOTSTRAP_ADMIN_PASSWORD" },
  );
  const now = deps.clock();
  const existing = await deps.stores.users.findByEmail(accepted.email);
  if (existing) {
    await deps.stores.users.update(
      existing.id,
      {
        role: "admin",
        status: "active",
        passwordHash: accepted.passwordHash,
        emailVerifiedAt: existing.emailVerifiedAt ?? now,
      },
      now,
    );
    return "promoted";
  }
  await createUser(
    deps.stores,
    accepted,
    { role: "admin", status: "active", emailVerifiedAt: now },
    now,
  );
  return "created";
}
