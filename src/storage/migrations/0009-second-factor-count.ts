import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Whether a user has MFA is read on every sign-in, step-up and user object; a count kept
  // on the user's row, moved by each method under the user's lock as it confirms or removes
  // a factor, answers it without a query per method (storage/second-factor-count.ts).
  await sql`alter table users add column second_factors integer not null default 0
    constraint users_second_factors_not_negative check (second_factors >= 0)`.execute(db);
  await sql`update users u set second_factors = f.n
    from (select user_id, count(*)::int as n
            from (select user_id from mfa_factors where confirmed_at is not null
                  union all select user_id from passkey_credentials) factors
          group by user_id) f
    where f.user_id = u.id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("second_factors").execute();
}
