import { randomUUID } from "node:crypto";
import {
  CompiledQuery,
  DeleteQueryNode,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type RootOperationNode,
  sql,
} from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { METHOD_PURGES } from "../../src/composition/sign-in-methods.js";
import {
  type DatabaseHandle,
  type DatabaseTarget,
  openDatabase,
} from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { purgeExpired } from "../../src/storage/purge.js";
import type { Database } from "../../src/storage/schema.js";
import { createStores } from "../../src/storage/stores/index.js";
import { describeEachStore } from "../helpers/stores.js";

/**
 * Issue 20: the sign-in methods' purges delete in batches as the core's do (purge-batches
 * test), and every purge's batch, the core's and the methods', can be read through an index.
 */
const NOW = new Date("2031-03-01T12:00:00Z");
const MINUTE = 60 * 1000;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);
const BATCH = 4;
const EXPIRED = 11;
const LIVE = 5;

/** Records every DELETE the stores run, to EXPLAIN them afterwards. */
class DeleteRecorder implements KyselyPlugin {
  readonly deletes: RootOperationNode[] = [];
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (DeleteQueryNode.is(node)) this.deletes.push(node);
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs) {
    return result;
  }
}

describeEachStore("the sign-in methods' purges in batches", (store) => {
  let target: DatabaseTarget;
  let handle: DatabaseHandle;
  const recorder = new DeleteRecorder();

  beforeAll(async () => {
    target = store.target();
    handle = await openDatabase(target);
    await migrateToLatest(handle.db);
    await seed(handle.db);
  });
  afterAll(async () => {
    await handle.close();
    await store.cleanup(target);
  });

  it("deletes every expired row of each method, batch by batch, and no live one", async () => {
    const stores = createStores(handle.db.withPlugin(recorder));
    const batches: Record<string, number[]> = {};
    const methods = METHOD_PURGES.map((purge) => ({
      name: purge.name,
      run: async (...args: Parameters<typeof purge.run>) => {
        expect(args[2]).toBe(BATCH);
        const deleted = await purge.run(...args);
        batches[purge.name] = [...(batches[purge.name] ?? []), deleted];
        return deleted;
      },
    }));

    const report = await purgeExpired(stores, NOW, { batchSize: BATCH, methods });

    expect(report.methods).toEqual({
      "unconfirmed second factors": EXPIRED,
      "expired second-factor challenges": EXPIRED,
      "expired passkey challenges": EXPIRED,
      // States and codes, up to a batch of each per round.
      "expired provider states and codes": EXPIRED * 2,
    });
    // 11 rows in batches of 4: 4, 4, 3, the short one ending it.
    expect(batches["unconfirmed second factors"]).toEqual([4, 4, 3]);
    expect(batches["expired second-factor challenges"]).toEqual([4, 4, 3]);
    expect(batches["expired passkey challenges"]).toEqual([4, 4, 3]);
    // Two tables: a round of 6 is not short of 2 × 4, so one more round finds nothing.
    expect(batches["expired provider states and codes"]).toEqual([8, 8, 6, 0]);

    const count = async (table: string) => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(
        table,
      )}`.execute(handle.db);
      return Number(rows[0]?.n);
    };
    // The live factors: confirmed ones however old, and unconfirmed ones still young.
    expect(await count("mfa_factors")).toBe(LIVE * 2);
    for (const table of ["mfa_challenges", "passkey_challenges", "oauth_states", "oauth_grants"]) {
      expect(await count(table), table).toBe(LIVE);
    }

    const again = await purgeExpired(stores, NOW, { batchSize: BATCH, methods: METHOD_PURGES });
    expect(Object.values(again.methods ?? {})).toEqual([0, 0, 0, 0]);
  });

  it("reads each batch of every purge, the core's and the methods', through an index", async () => {
    recorder.deletes.length = 0;
    const stores = createStores(handle.db.withPlugin(recorder));
    await purgeExpired(stores, NOW, {
      auditRetentionSeconds: 30 * 24 * 3600,
      batchSize: BATCH,
      methods: METHOD_PURGES,
    });
    const plans = await explainEach(handle.db, recorder.deletes);
    // Sessions, codes and guesses, keys, audit, mail, webhooks; the methods' five tables.
    expect(plans.length).toBeGreaterThanOrEqual(12);
    for (const { sql: text, plan } of plans) {
      // Signing keys are a handful, deleted in one statement with no batch.
      if (text.includes('"signing_keys"')) continue;
      expect(plan, text).not.toMatch(/Seq Scan/);
    }
  });
});

/**
 * The plans of `deletes` with sequential scans priced out: a plan that still has one has no
 * index to use. On a table of a few rows the planner would pick a Seq Scan either way.
 */
async function explainEach(db: Kysely<Database>, deletes: readonly RootOperationNode[]) {
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const plans: { sql: string; plan: string }[] = [];
    for (const node of deletes) {
      const compiled = trx.getExecutor().compileQuery(node, { queryId: randomUUID() });
      const result = await trx.executeQuery<{ "QUERY PLAN": string }>(
        CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
      );
      plans.push({
        sql: compiled.sql,
        plan: result.rows.map((row) => row["QUERY PLAN"]).join("\n"),
      });
    }
    return plans;
  });
}

async function seed(db: Kysely<Database>): Promise<void> {
  // Row n is expired for n < EXPIRED, live after: each table in an order unlike its index.
  const rows = Array.from({ length: EXPIRED + LIVE }, (_, n) => ({
    user: randomUUID(),
    expired: (n * 7) % (EXPIRED + LIVE) < EXPIRED,
    n,
  }));
  for (const { user, expired, n } of rows) {
    await sql`insert into users (id, email, password_hash, status, role, created_at, updated_at)
      values (${user}, ${`purge-${n}-${user}@example.test`}, 'h', 'active', 'user', ${at(-999)}, ${at(-999)})`.execute(
      db,
    );
    const expires = expired ? at(-n - 1) : at(n + 1);
    await sql`insert into mfa_challenges (token_hash, user_id, proofs, expires_at, created_at)
      values (${randomUUID()}, ${user}, ${["pwd"]}, ${expires}, ${at(-30)})`.execute(db);
    // Unconfirmed factors go 15 minutes after they were made (UNCONFIRMED_FACTOR_TTL_MS).
    await sql`insert into mfa_factors (id, user_id, type, secret_sealed, confirmed_at, created_at)
      values (${randomUUID()}, ${user}, 'totp', 's', null, ${expired ? at(-16 - n) : at(-14)})`.execute(
      db,
    );
    if (!expired) {
      await sql`insert into mfa_factors (id, user_id, type, secret_sealed, confirmed_at, created_at)
        values (${randomUUID()}, ${user}, 'totp', 's', ${at(-999)}, ${at(-999)})`.execute(db);
    }
    await sql`insert into passkey_challenges (challenge_hash, purpose, user_id, expires_at, created_at)
      values (${randomUUID()}, 'login', null, ${expires}, ${at(-30)})`.execute(db);
    await sql`insert into oauth_states
        (state_hash, provider, nonce, code_verifier, redirect_to, expires_at, created_at)
      values (${randomUUID()}, 'google', 'n', 'v', '/', ${expires}, ${at(-30)})`.execute(db);
    await sql`insert into oauth_grants (code_hash, user_id, expires_at, created_at)
      values (${randomUUID()}, ${user}, ${expires}, ${at(-30)})`.execute(db);
  }
}
