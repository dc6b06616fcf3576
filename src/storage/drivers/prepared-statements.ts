import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * Sends the statements of one connection as named, prepared statements: the first run of a
 * text parses it once, later runs only bind and execute, so neither this process nor the
 * database parses it again, and the stores never know (they write plain SQL).
 *
 * - Each prepared statement is still planned for its values on every run
 *   (plan_cache_mode = force_custom_plan): PostgreSQL's own choice may keep one generic
 *   plan, made while a table was small, for as long as the table grows under it.
 * - A text is named by its hash, and at most `max` texts are prepared per connection: a
 *   statement whose text follows its batch size (a VALUES list) has many texts, and each
 *   prepared one holds memory in its backend until the connection closes.
 * - Only outside a transaction. A prepared `select *` fails once a migration (another
 *   instance's, during a rolling deploy) adds a column: "cached plan must not change
 *   result type" (0A000). Outside a transaction the statement simply runs again under a
 *   fresh name; inside one, the error would have aborted the transaction.
 */
export function prepareStatements(client: pg.PoolClient, max: number): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const names = new Map<string, string>();
  let prepared = 0;
  let stale = 0;

  /** A suffix gives a retried text a name its stale statement (still prepared) never had. */
  const nameFor = (text: string, suffix = ""): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || prepared >= max) return known;
    prepared += 1;
    const name = `lk_${createHash("sha256").update(text).digest("hex").slice(0, 16)}${suffix}`;
    names.set(text, name);
    return name;
  };

  client.query = ((...args: unknown[]) => {
    const [text, values] = args;
    // Kysely sends (text, values); anything else (a cursor, a callback) goes as it came.
    if (typeof text !== "string" || args.length > 2 || client.getTransactionStatus() !== "I") {
      return query(...args);
    }
    const name = nameFor(text);
    if (name === undefined) return query(...args);
    return query({ name, text, values }).catch((error: unknown) => {
      if (!changedResultType(error)) throw error;
      names.delete(text);
      stale += 1;
      const fresh = nameFor(text, `_${stale}`);
      return query(fresh ? { name: fresh, text, values } : { text, values });
    });
  }) as typeof client.query;

  // Sent before any statement of the pool's: a client's queries run in the order asked. A
  // failure (the connection died) fails the statement after it too, which answers 503.
  query("set plan_cache_mode = force_custom_plan").catch(() => {});
}

/** SQLSTATE 0A000 (feature_not_supported) is what PostgreSQL answers a stale result type. */
function changedResultType(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "0A000";
}
