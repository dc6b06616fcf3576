import { createBatcher } from "./batcher.js";
import type { MethodStoreBatching } from "./method-stores.js";
import type {
  AuditEvent,
  AuditStore,
  LiveQuery,
  MethodStores,
  NewSession,
  OutboxStore,
  RotationRequest,
  SentMail,
  SessionStore,
  Stores,
  UserStore,
} from "./ports.js";

/*
 * A decorator that keeps the Stores interface, like the metrics wrappers: the single-item
 * calls that every authenticated request, login, refresh, audited action and sent mail
 * makes go, when they arrive together, to the store's set-at-a-time method as one statement
 * (batcher.ts says when a batch starts and what a failing one does). The stores stay one
 * statement per method, and the domain never learns that batching exists.
 */

/**
 * Stores whose hot single-item calls are batched, the core's here and the sign-in methods'
 * by their own decorators (`methods`, METHOD_STORE_BATCHING). `transaction` hands out the
 * plain stores: inside a transaction there is nobody to share with.
 */
export function batchStores(stores: Stores, methods: readonly MethodStoreBatching[] = []): Stores {
  const batched = { ...stores };
  for (const batching of methods) {
    for (const name of Object.keys(batching) as (keyof MethodStoreBatching)[]) {
      decorate(batched, batching, name);
    }
  }
  return {
    ...batched,
    users: batchUsers(stores.users),
    sessions: batchSessions(stores.sessions),
    audit: batchAudit(stores.audit),
    outbox: batchOutbox(stores.outbox),
    transaction: (fn) => stores.transaction(fn),
  };
}

function decorate<K extends keyof MethodStoreBatching>(
  stores: MethodStores,
  batching: MethodStoreBatching,
  name: K,
): void {
  const wrap = batching[name];
  if (wrap) stores[name] = wrap(stores[name]);
}

function batchUsers(users: UserStore): UserStore {
  return {
    ...users,
    findById: createBatcher((ids: readonly string[]) => users.findByIds(ids)),
    findByEmail: createBatcher((emails: readonly string[]) => users.findByEmails(emails)),
  };
}

function batchSessions(sessions: SessionStore): SessionStore {
  const create = createBatcher((all: readonly NewSession[]) => sessions.createMany(all));
  const rotate = createBatcher((all: readonly RotationRequest[]) => sessions.rotateMany(all));
  const findLive = createBatcher((all: readonly LiveQuery[]) => sessions.findLiveMany(all));
  return {
    ...sessions,
    create,
    rotate: (token, replacement) => rotate({ token, replacement }),
    findLive: (userId, familyId, now) => findLive({ userId, familyId, now }),
  };
}

function batchAudit(audit: AuditStore): AuditStore {
  const insert = createBatcher(async (events: readonly AuditEvent[]) => {
    await audit.insertMany(events);
    return events.map(() => undefined);
  });
  return { ...audit, insert };
}

/** The mail worker sends a claimed batch at once; their acceptances mark them sent together. */
function batchOutbox(outbox: OutboxStore): OutboxStore {
  const markSent = createBatcher(async (sent: readonly SentMail[]) => {
    await outbox.markSentMany(sent);
    return sent.map(() => undefined);
  });
  return { ...outbox, markSent: (id, now) => markSent({ id, sentAt: now }) };
}
