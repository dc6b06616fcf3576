/**
 * Whether an error means "the database cannot be reached right now" rather than "this
 * query is wrong": such requests answer 503 UNAVAILABLE with Retry-After, never 500.
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

// SQLSTATE class 08 (connection exception), 57P0x (operator intervention: admin_shutdown
// from pg_terminate_backend, crash, cannot connect now, idle-session timeout), 53300 (too many connections), 55P03
// (lock_not_available: a lock_timeout ran out while other requests held the rows; busy, not wrong).
const SQLSTATE = /^(?:08\d{3}|57P0[1-5]|53300|55P03)$/;

const MESSAGES = [
  // "Connection terminated unexpectedly" (the socket closed under a client) and "... due to
  // connection timeout" (the pool gave up connecting).
  "Connection terminated",
  // node-postgres refusing a query on a client whose connection already died.
  "Client was closed and is not queryable",
  "timeout exceeded when trying to connect",
  "Query read timeout",
  "Client has encountered a connection error",
  "Cannot use a pool after calling end",
  // Kysely, once the database is closed (shutdown): the request outlived it, not a bug.
  "driver has already been destroyed",
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current !== "object") return false;
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === "string" && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
    if (typeof message === "string" && MESSAGES.some((m) => message.includes(m))) return true;
    // AggregateError (several addresses refused) carries the reasons in `errors`.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
    current = cause;
  }
  return false;
}

/**
 * PostgreSQL broke a lock cycle by aborting this transaction (40P01). Nothing it did
 * remains, so running it again is safe; a second deadlock answers 503 like a busy database.
 */
export function isDeadlock(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === "40P01"
  );
}
