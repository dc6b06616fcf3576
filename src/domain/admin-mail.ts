import { AuthError } from "../errors.js";
import type { OutboxEntry } from "../storage/ports.js";
import type { Actor } from "./admin.js";
import type { Deps } from "./deps.js";
import { isUserId } from "./input-rules.js";

/** Outbox messages given up on after MAIL_MAX_ATTEMPTS, newest first. */
export function listDeadMail(deps: Deps, limit: number): Promise<OutboxEntry[]> {
  return deps.stores.outbox.listDead(limit);
}

/** Puts a dead message back in the queue with a fresh attempt count. */
export async function requeueMail(deps: Deps, actor: Actor, id: string): Promise<void> {
  const requeued = isUserId(id) && (await deps.stores.outbox.requeue(id, deps.clock()));
  if (!requeued) throw new AuthError("NOT_FOUND", "No dead mail with this id.");
  await deps.audit({
    type: "admin.mail.requeued",
    outcome: "success",
    actorId: actor.id,
    ...(actor.client ? { client: actor.client } : {}),
    details: { mailId: id },
  });
}
