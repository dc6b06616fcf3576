import { createHash } from "node:crypto";
import type pg from "pg";

export interface PreparedStatements {
  /** Distinct texts prepared on one connection; later new texts run unprepared. */
  maxPerConnection: number;
  /** Which statement texts go prepared. */
  prepare(text: string): boolean;
}

/**
 * Sends the statements of one connection that `prepare` picks as named, prepared
 * statements: the first run of a text parses it once, later runs only bind and execute, so
 * neither this process nor the database parses it again, and the stores never know (they
 * write plain SQL). PostgreSQL plans them as it chooses: after five runs it may keep one
 * generic plan, which is why the caller picks what is prepared.
 *
 * - A text is named by its hash, and at most `max` texts are prepared per connection: a
 *   statement whose text follows its batch size has many texts, and each prepared one
 *   holds memory in its backend until the connection closes.
 * - Only outside a transaction. A prepared `select *` fails once a migration (another
 *   instance's, during a rolling deploy) adds a column: "cached plan must not change
 *   result type" (0A000). Outside a transaction the statement simply runs again under a
 *   fresh name; inside one, the error would have aborted the transaction.
 */
export function prepareStatements(
  client: pg.PoolClient,
  { maxPerConnection: max, prepare }: PreparedStatements,
): void {
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
    if (!prepare(text)) return query(...args);
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
}

/** SQLSTATE 0A000 (feature_not_supported) is what PostgreSQL answers a stale result type. */
function changedResultType(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "0A000";
}
