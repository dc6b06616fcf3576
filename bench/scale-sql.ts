/**
 * The statements that fill a scale database, generated inside PostgreSQL
 * (INSERT ... SELECT FROM generate_series): no rows cross the wire, so a million users
 * cost what the server's inserts cost. Every generated value is a function of the row
 * number, so two seedings of one size hold the same data.
 *
 * User n (1-based) has the email scaleEmail(n), the bench password, and a status and role
 * fixed by n (scaleUserStatus): the bench picks its accounts by that rule.
 */

export const SCALE_EMAIL_DOMAIN = "scale.example.com";

export function scaleEmail(n: number): string {
  return `scale-${n}@${SCALE_EMAIL_DOMAIN}`;
}

/** The SQL twin of scaleUserStatus, over the column `n`. */
const STATUS_SQL = `case when n % 20 = 0 then 'blocked' when n % 10 = 5 then 'pending' else 'active' end`;

/**
 * 5 % blocked, 10 % pending (never verified their email), 85 % active; 1 in 1,000 an admin;
 * one in ten with a second factor (HAS_FACTOR_SQL).
 */
export function scaleUserStatus(n: number): { status: string; role: string; mfa: boolean } {
  const status = n % 20 === 0 ? "blocked" : n % 10 === 5 ? "pending" : "active";
  return { status, role: n % 1000 === 2 ? "admin" : "user", mfa: n % 10 === 7 };
}

/**
 * One user in ten has a confirmed authenticator (never one the bench signs in: those are
 * n % 10 = 1); its secret is not a real sealed one, as no request ever opens it.
 */
const HAS_FACTOR_SQL = "n % 10 = 7";

/** A version-4-shaped UUID from a seed text: the app only ever compares ids. */
function uuidOf(seed: string): string {
  return `overlay(overlay(md5(${seed}) placing '4' from 13) placing '8' from 17)::uuid`;
}

export function userId(n: string): string {
  return uuidOf(`'user-' || ${n}`);
}

/** Spread over three years before `now`, older for smaller n, as sign-ups accumulate. */
const CREATED_SQL = `$1::timestamptz - ((($2::bigint - n) * interval '94 seconds') + (n % 97) * interval '1 second')`;

export interface TablePlan {
  table: string;
  /** Rows of this table per user. */
  perUser: number;
  /** Rows $3 + 1 .. $4 of the table, with $1 = now, $2 = the user count, $5 = password hash. */
  insert: string;
}

export const TABLE_PLANS: TablePlan[] = [
  {
    table: "users",
    perUser: 1,
    insert: `insert into users (id, email, name, username, password_hash, status, role,
        email_verified_at, created_at, updated_at, locale, second_factors)
      select ${userId("n")}, 'scale-' || n || '@${SCALE_EMAIL_DOMAIN}', 'User ' || n,
        case when n % 3 = 0 then 'user' || n end, $5, ${STATUS_SQL},
        case when n % 1000 = 2 then 'admin' else 'user' end,
        case when n % 10 <> 5 then ${CREATED_SQL} + interval '10 minutes' end,
        ${CREATED_SQL}, ${CREATED_SQL} + (n % 500) * interval '1 day' / 10,
        case when n % 4 = 0 then 'de' end, case when ${HAS_FACTOR_SQL} then 1 else 0 end
      from generate_series($3::bigint + 1, $4::bigint) as n`,
  },
  {
    // Five a user: nine in ten expired long ago (rotated or lapsed), one in ten live.
    table: "refresh_sessions",
    perUser: 5,
    // As this version writes them: each token names its row (migration 0014).
    insert: `insert into refresh_sessions (id, family_id, user_id, token_hash, token_names_row,
        family_started_at, created_at, expires_at, last_used_at, revoked_at, user_agent, ip)
      select ${uuidOf(`'session-' || s`)}, ${uuidOf(`'family-' || s`)},
        ${userId("u")}, encode(sha256(convert_to('session-' || s, 'UTF8')), 'hex'), true,
        at - interval '1 hour', at, at + interval '30 days', at,
        case when s % 3 = 0 then at + interval '1 hour' end,
        'Mozilla/5.0 (bench)', '203.0.113.' || (s % 250)
      from generate_series($3::bigint + 1, $4::bigint) as s,
        lateral (select (s - 1) % $2::bigint + 1 as u) as owner,
        lateral (select case when s % 10 = 0 then $1::timestamptz - (s % 1440) * interval '1 minute'
          else $1::timestamptz - interval '31 days' - (s % 700) * interval '1 day' end as at) as t`,
  },
  {
    // Ten a user over the last year.
    table: "audit_events",
    perUser: 10,
    insert: `insert into audit_events (id, occurred_at, type, outcome, user_id, ip, user_agent, details)
      select ${uuidOf(`'audit-' || e`)}, $1::timestamptz - (e % 525600) * interval '1 minute',
        (array['login.success','login.failure','session.created','session.revoked',
          'user.registered','password.changed','email.verified'])[e % 7 + 1],
        case when e % 7 = 1 then 'failure' else 'success' end,
        ${userId("((e - 1) % $2::bigint + 1)")}, '203.0.113.' || (e % 250), 'Mozilla/5.0 (bench)', '{}'
      from generate_series($3::bigint + 1, $4::bigint) as e`,
  },
  {
    // An email code for every pending user, a reset link for one in ten others; nearly all expired.
    table: "verification_codes",
    perUser: 1,
    insert: `insert into verification_codes (user_id, purpose, kind, secret_hash, expires_at, created_at)
      select ${userId("n")}, case when n % 10 = 5 then 'email' else 'reset' end,
        case when n % 10 = 5 then 'code' else 'link' end,
        encode(sha256(convert_to('code-' || n, 'UTF8')), 'hex'),
        at + interval '15 minutes', at
      from generate_series($3::bigint + 1, $4::bigint) as n,
        lateral (select case when n % 100 = 5 then $1::timestamptz - interval '1 minute'
          else $1::timestamptz - (n % 900 + 1) * interval '1 day' end as at) as t
      where n % 10 in (3, 5)`,
  },
  {
    table: "mfa_factors",
    perUser: 1,
    insert: `insert into mfa_factors (id, user_id, type, name, secret_sealed, confirmed_at,
        last_step, created_at, last_used_at)
      select ${uuidOf(`'factor-' || n`)}, ${userId("n")}, 'totp', 'Phone', 'sealed-' || n,
        $1::timestamptz - (n % 700) * interval '1 day', 59000000 + n % 1000,
        $1::timestamptz - (n % 700) * interval '1 day' - interval '1 minute',
        $1::timestamptz - (n % 30) * interval '1 day'
      from generate_series($3::bigint + 1, $4::bigint) as n
      where ${HAS_FACTOR_SQL}`,
  },
  {
    // Two sign-ins a user with a factor: a challenge each, used or lapsed long ago.
    table: "mfa_challenges",
    perUser: 2,
    insert: `insert into mfa_challenges (token_hash, user_id, proofs, ip, user_agent,
        expires_at, used_at, created_at)
      select encode(sha256(convert_to('challenge-' || c, 'UTF8')), 'hex'), ${userId("n")},
        '{pwd}', '203.0.113.' || (c % 250), 'Mozilla/5.0 (bench)', at + interval '5 minutes',
        case when c % 3 <> 0 then at + interval '20 seconds' end, at
      from generate_series($3::bigint + 1, $4::bigint) as c,
        lateral (select (c - 1) % $2::bigint + 1 as n) as owner,
        lateral (select $1::timestamptz - interval '1 day' - (c % 525600) * interval '1 minute' as at) as t
      where ${HAS_FACTOR_SQL}`,
  },
  {
    // The mails those sign-ups and resets sent: delivered (bodies erased on sending), or dead.
    table: "mail_outbox",
    perUser: 1,
    insert: `insert into mail_outbox (id, created_at, to_address, template, subject, status,
        attempts, next_attempt_at, sent_at, last_error)
      select ${uuidOf(`'mail-' || n`)}, at, 'scale-' || n || '@${SCALE_EMAIL_DOMAIN}',
        case when n % 2 = 0 then 'verify-email' else 'reset-password' end, 'Your code',
        case when n % 200 = 0 then 'dead' else 'sent' end, 1, at,
        case when n % 200 <> 0 then at + interval '2 seconds' end,
        case when n % 200 = 0 then '550 mailbox unavailable' end
      from generate_series($3::bigint + 1, $4::bigint) as n,
        lateral (select $1::timestamptz - (n % 525600) * interval '1 minute' as at) as t`,
  },
  {
    // One delivery a user to the seeded (disabled) endpoint, finished: the worker sends none.
    table: "webhook_deliveries",
    perUser: 1,
    insert: `insert into webhook_deliveries (id, endpoint_id, event_type, user_id, payload,
        created_at, status, attempts, next_attempt_at, retry_from, delivered_at, last_error)
      select ${uuidOf(`'delivery-' || n`)}, ${uuidOf(`'endpoint-1'`)}, 'user.created', ${userId("n")},
        '{"type":"user.created"}', at, case when n % 50 = 0 then 'failed' else 'delivered' end,
        1, at, at, case when n % 50 <> 0 then at + interval '1 second' end,
        case when n % 50 = 0 then 'HTTP 500' end
      from generate_series($3::bigint + 1, $4::bigint) as n,
        lateral (select $1::timestamptz - (n % 525600) * interval '1 minute' as at) as t`,
  },
];

/** The endpoint every seeded delivery belongs to: disabled, so no worker calls it. */
export const SEED_ENDPOINT = `insert into webhook_endpoints (id, url, events, enabled,
    disabled_reason, secret_sealed, created_at, updated_at)
  values (${uuidOf(`'endpoint-1'`)}, 'https://hooks.${SCALE_EMAIL_DOMAIN}/latchkey', '{user.created}',
    false, 'scale seed', 'unused', $1, $1)`;
