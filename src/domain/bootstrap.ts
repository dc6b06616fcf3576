import { randomId } from "../crypto/random.js";
import type { Deps } from "./deps.js";
import { validEmail, validNewPassword } from "./validate.js";

export type BootstrapOutcome = "created" | "promoted" | "skipped";

/**
 * BOOTSTRAP_ADMIN_EMAIL / _PASSWORD: when no admin exists yet, make this account an
 * active, verified admin (creating it, or promoting the user who already has the email).
 */
export async function ensureBootstrapAdmin(deps: Deps): Promise<BootstrapOutcome> {
  const { bootstrapAdminEmail, bootstrapAdminPassword } = deps.config;
  if (!bootstrapAdminEmail || !bootstrapAdminPassword) return "skipped";
  if (await deps.stores.users.hasAdmin()) return "skipped";
  const email = validEmail(bootstrapAdminEmail, "BOOTSTRAP_ADMIN_EMAIL");
  const password = validNewPassword(
    bootstrapAdminPassword,
    deps.config.passwordMinLength,
    "BOOTSTRAP_ADMIN_PASSWORD",
  );
  const passwordHash = await deps.hasher.hash(password);
  const now = deps.clock();
  const existing = await deps.stores.users.findByEmail(email);
  if (existing) {
    await deps.stores.users.update(
      existing.id,
      {
        role: "admin",
        status: "active",
        passwordHash,
        emailVerifiedAt: existing.emailVerifiedAt ?? now,
      },
      now,
    );
    return "promoted";
  }
  await deps.stores.users.create({
    id: randomId(),
    email,
    name: null,
    username: null,
    passwordHash,
    status: "active",
    role: "admin",
    emailVerifiedAt: now,
    now,
  });
  return "created";
}
