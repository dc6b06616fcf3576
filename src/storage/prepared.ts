import { type RawBuilder, sql } from "kysely";

/**
 * Marks a statement as one to prepare once per PostgreSQL connection. The statement's text
 * must be the same on every call (arrays as `= any($1)`, not a list of placeholders), and
 * it must name its columns (a prepared `select *` fails once a migration adds one:
 * "cached plan must not change result type").
 *
 * Only for lookups by a unique key. After five executions PostgreSQL may keep one generic
 * plan for the statement until the table's statistics change, and a plan chosen while a
 * table was small can stay wrong while it grows: the refresh rotation, prepared, fell from
 * 4,000 to 2,000 a second in the bench as refresh_sessions grew under it. A unique-key
 * lookup's index plan is the right one at any size but a handful of rows, where a scan
 * costs nothing either, and the next ANALYZE replans it.
 *
 * Why: the lookup skips PostgreSQL's parse and plan and node-postgres' Parse and Describe
 * messages. A batch of 7 user lookups cost this process 210 µs of CPU as a plain query
 * through Kysely and 134 µs prepared (a throwaway timing over 4,000 queries), and the
 * database's backend, on the same cores, plans nothing. PGlite and any driver that does
 * not know the mark run it as a plain statement: the mark is an SQL comment.
 */
export function prepared(name: string): RawBuilder<unknown> {
  if (!NAME.test(name)) throw new Error(`not a statement name: ${name}`);
  return sql.raw(`/* prepared:${name} */`);
}

const NAME = /^[a-z][a-z0-9_]*$/;
const MARK = /^\/\* prepared:([a-z][a-z0-9_]*) \*\//;

/** The statement name a query's text was marked with (see prepared), if any. */
export function preparedName(text: string): string | undefined {
  return MARK.exec(text)?.[1];
}
