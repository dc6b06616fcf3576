import { type Kysely, sql } from "kysely";

/**
 * The admin user search (GET /admin/users?q=) matches a substring of the email, name or
 * username: `like '%q%'`, which no b-tree serves. On a million users it read every row
 * (0.8 s, BENCHMARKS.md, Scale); trigram indexes answer it from the few rows that can match.
 *
 * pg_trgm ships with PostgreSQL (contrib) and is a trusted extension, but a role may still
 * lack the right to create it, and PGlite does not load it: then nothing is made and the
 * search stays a scan, as before. It goes into `public`, never a per-tenant or per-test
 * schema, whose DROP SCHEMA ... CASCADE would take the extension from every other schema.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`do $$
    begin
      create extension if not exists pg_trgm with schema public;
    exception when others then
      raise notice 'pg_trgm unavailable (%): the user search stays a scan', sqlerrm;
    end
  $$`.execute(db);
  const { rows } = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e
      join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pg_trgm'`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined) return;
  const ops = sql.raw(`${quoteIdent(schema)}.gin_trgm_ops`);
  await sql`create index users_search_email on users using gin (email ${ops})`.execute(db);
  await sql`create index users_search_name on users using gin (lower(name) ${ops})`.execute(db);
  await sql`create index users_search_username on users using gin (lower(username) ${ops})`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The extension stays: other schemas of the database may use it.
  for (const name of ["users_search_email", "users_search_name", "users_search_username"]) {
    await sql`drop index if exists ${sql.ref(name)}`.execute(db);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
