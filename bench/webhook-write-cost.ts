import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  recordUserEvent,
  sessionEventTemplate,
  type WebhookEventType,
} from "../src/domain/webhook-events.js";
import { openDatabase } from "../src/storage/database.js";
import { migrateToLatest } from "../src/storage/migrate.js";
import type { NewUser, Stores } from "../src/storage/ports.js";
import { createStores } from "../src/storage/stores/index.js";
import { createBenchDatabase } from "./database.js";

/**
 * What writing a webhook event costs this process, beside what it reports: CPU µs (and wall
 * µs, the database's round trip included) of a sign-up's transaction (user insert, then
 * user.created) and of a sign-in's session insert (session.created in its statement), with
 * no endpoint, one endpoint for other events, and one subscribed. The variants take turns,
 * round after round, so a machine busy with other work slows each alike.
 *   npx tsx bench/webhook-write-cost.ts [postgres://…]   (PGlite in a temporary directory if none)
 */
const ROUNDS = 40;
const PER_ROUND = 50;

type Variant = { name: string; run: (stores: Stores, n: number) => Promise<void> };

const newUser = (n: number, now: Date): NewUser => ({
  id: randomUUID(),
  email: `cost-${n}-${randomUUID()}@bench.example.com`,
  name: null,
  username: null,
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo",
  status: "active",
  role: "user",
  emailVerifiedAt: now,
  now,
});

const signUp =
  (event: WebhookEventType | null): Variant["run"] =>
  (stores, n) =>
    stores.transaction(async (trx) => {
      const now = new Date();
      const user = await trx.users.create(newUser(n, now));
      if (event) await recordUserEvent(trx, event, user, now);
    });

let sessionUser: Awaited<ReturnType<Stores["users"]["create"]>> | undefined;
const signIn =
  (withEvent: boolean): Variant["run"] =>
  async (stores) => {
    const user = sessionUser as NonNullable<typeof sessionUser>;
    const now = new Date();
    await stores.sessions.create({
      id: randomUUID(),
      familyId: randomUUID(),
      userId: user.id,
      tokenHash: randomUUID(),
      familyStartedAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
      userAgent: "bench",
      ip: "127.0.0.1",
      now,
      ...(withEvent ? { event: sessionEventTemplate("session.created", user, now) } : {}),
    });
  };

async function measure(stores: Stores, variants: Variant[]) {
  const totals = new Map(variants.map((v) => [v.name, { cpu: 0, wall: 0, n: 0 }]));
  let n = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      const before = process.cpuUsage();
      const startedAt = performance.now();
      for (let i = 0; i < PER_ROUND; i++) await variant.run(stores, n++);
      const used = process.cpuUsage(before);
      const total = totals.get(variant.name) as { cpu: number; wall: number; n: number };
      total.cpu += used.user + used.system;
      total.wall += (performance.now() - startedAt) * 1000;
      total.n += PER_ROUND;
    }
  }
  for (const [name, total] of totals) {
    // The first round warms up (JIT, prepared plans) like the others: small against 40.
    const cpu = (total.cpu / total.n).toFixed(0).padStart(5);
    const wall = (total.wall / total.n).toFixed(0).padStart(5);
    console.log(`  ${name.padEnd(52)} CPU ${cpu} µs   wall ${wall} µs`);
  }
}

async function addEndpoint(stores: Stores, events: string[]) {
  return stores.webhooks.createEndpoint({
    id: randomUUID(),
    url: "https://hooks.example.com/latchkey",
    events,
    description: null,
    secretSealed: "sealed",
    now: new Date(),
  });
}

async function main(): Promise<void> {
  const serverUrl = process.argv[2];
  const dir = await mkdtemp(join(tmpdir(), "latchkey-webhook-cost-"));
  const database = serverUrl ? await createBenchDatabase(serverUrl) : undefined;
  const handle = await openDatabase(
    database ? { kind: "postgres", url: database.url } : { kind: "pglite", dir: join(dir, "db") },
  );
  try {
    await migrateToLatest(handle.db);
    const stores = createStores(handle.db);
    sessionUser = await stores.users.create(newUser(-1, new Date()));
    console.log(`${handle.kind}: this process's CPU per operation, ${ROUNDS * PER_ROUND} each`);
    // The same four writes without any endpoint, then with endpoints (one subscribed).
    const writes = [
      { name: "sign-up transaction, no event", run: signUp(null) },
      { name: "sign-up transaction + user.created", run: signUp("user.created") },
      { name: "session insert, no event", run: signIn(false) },
      { name: "session insert + session.created (its CTE)", run: signIn(true) },
    ];
    console.log("no endpoint at all:");
    await measure(stores, writes);
    const other = await addEndpoint(stores, ["user.deleted"]);
    const subscribed = await addEndpoint(stores, ["user.created", "session.created"]);
    // Nothing delivers here: the outbox only grows, as it would while a receiver is away.
    console.log("one endpoint for other events, one subscribed to user.created, session.created:");
    await measure(stores, writes);
    const written = await stores.webhooks.listDeliveries(subscribed.id, 1);
    const none = await stores.webhooks.listDeliveries(other.id, 1);
    if (written.length !== 1 || none.length !== 0) throw new Error("the events were not written");
  } finally {
    await handle.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
