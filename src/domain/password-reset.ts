import { hashCode, sha256 } from "../crypto/digest.js";
import { randomCode, randomToken } from "../crypto/random.js";
import type { Stores, UserRecord } from "../storage/ports.js";
import type { Deps } from "./deps.js";
import { cooldownStart, mayIssueAnother, pageLink, queueMail } from "./email-codes.js";

export type ResetMethod = "link" | "code";

/**
 * Mails a reset link or code to the account, replacing any earlier one: for a forgot-password
 * request (after its reply) and for an admin's "send reset". False when nothing was sent
 * (no such user, blocked, or inside the cooldown).
 */
export async function issuePasswordReset(
  deps: Deps,
  email: string,
  method: ResetMethod,
  options: { ignoreCooldown?: boolean } = {},
): Promise<boolean> {
  const user = await deps.stores.users.findByEmail(email);
  if (!user || user.status === "blocked") return false;
  const now = deps.clock();
  if (!options.ignoreCooldown) {
    const last = await deps.stores.codes.find(user.id, "reset");
    if (last && !mayIssueAnother(deps, last, now)) return false;
  }
  // The secret and its mail commit together: no live secret nobody was told about.
  await deps.stores.transaction(async (stores) => {
    if (method === "link") {
      // 32 bytes = 256 bits, stored only as its SHA-256 (ASVS 2.7/2.5).
      const token = randomToken(32);
      const ttl = deps.config.resetTokenTtl;
      await putResetSecret(deps, stores, user, "link", sha256(token), ttl, now);
      const link = `${deps.config.appUrl}/password/reset/${encodeURIComponent(token)}`;
      await queueMail(stores, deps.mailer.passwordResetLink(user, link, ttl), now);
    } else {
      const code = randomCode();
      const ttl = deps.config.emailCodeTtl;
      const hash = hashCode(user.id, "reset", code);
      await putResetSecret(deps, stores, user, "code", hash, ttl, now);
      const link = pageLink(deps, "/password/reset", { email: user.email, code });
      await queueMail(stores, deps.mailer.passwordResetCode(user, code, ttl, link), now);
    }
  });
  return true;
}

function putResetSecret(
  deps: Deps,
  stores: Stores,
  user: UserRecord,
  kind: "link" | "code",
  secretHash: string,
  ttlSeconds: number,
  now: Date,
): Promise<void> {
  // One live reset secret per user: this replaces any earlier link or code, a burned one
  // too; tries carry over only from one made inside RESEND_COOLDOWN (README).
  return stores.codes.put({
    userId: user.id,
    purpose: "reset",
    kind,
    secretHash,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    now,
    carryAttemptsSince: cooldownStart(deps, now),
  });
}
