import type { Logger } from "pino";
import { timeOrderedId } from "../crypto/random.js";
import type { AuditLog } from "../domain/audit.js";
import type { AuditStore } from "../storage/ports.js";

/** The audit trail over its store. A lost event is logged loudly but never fails the request. */
export function createAuditLog(store: AuditStore, clock: () => Date, logger: Logger): AuditLog {
  return async (event) => {
    try {
      const occurredAt = clock();
      await store.insert({
        id: timeOrderedId(occurredAt),
        occurredAt,
        type: event.type,
        outcome: event.outcome,
        userId: event.userId ?? null,
        actorId: event.actorId ?? null,
        ip: event.client?.ip ?? null,
        userAgent: event.client?.userAgent ?? null,
        details: event.details ?? {},
      });
    } catch (error) {
      logger.error({ err: error, audit: event.type }, "audit event not recorded");
    }
  };
}
