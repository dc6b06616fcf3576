import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from "kysely";

/**
 * The condition for a DELETE of at most `limit` of the rows `matching` selects (all of them
 * when unset): their physical row ids, read in the same statement. A purge deletes in such
 * batches, each statement its own short transaction, so it never holds locks on millions of
 * rows while a login waits to update one of them. The DELETE repeats the filter too, so a
 * row changed in between is judged again, not by its old place.
 *
 * Callers order `matching` by an indexed column: unordered, PostgreSQL reads the table from
 * its first page each batch, rereading every page earlier batches emptied (quadratic over a
 * purge of millions); in index order each batch starts at the oldest rows still there.
 */
export function firstRows<DB, TB extends keyof DB>(
  // biome-ignore lint/complexity/noBannedTypes: the subquery selects nothing of its own yet.
  matching: SelectQueryBuilder<DB, TB, {}>,
  limit: number | undefined,
): Expression<SqlBool> {
  if (limit === undefined) return sql<SqlBool>`true`;
  const ids = matching.select(sql<string>`ctid`.as("ctid")).limit(limit);
  return sql<SqlBool>`ctid = any(array(${ids}))`;
}

/**
 * firstRows over several selections, taken in turn: at most `limit` rows in all, the first
 * selection's before the next one's. For a filter that is an OR of ranges (a cutoff per
 * status): one ordered range each reads as an index range scan, where the OR would read
 * the whole index, or the table, every batch.
 */
export function firstRowsOfEach<DB, TB extends keyof DB>(
  // biome-ignore lint/complexity/noBannedTypes: the subqueries select nothing of their own yet.
  each: readonly SelectQueryBuilder<DB, TB, {}>[],
  limit: number | undefined,
): Expression<SqlBool> {
  if (limit === undefined) return sql<SqlBool>`true`;
  const ranges = each.map((matching) => matching.select(sql<string>`ctid`.as("ctid")).limit(limit));
  return sql<SqlBool>`ctid = any(array(
    select ctid from (${sql.join(ranges, sql` union all `)}) as ranges limit ${limit}))`;
}
