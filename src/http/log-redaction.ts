/**
 * Reset tokens travel in URLs (`/auth/reset-password/<token>`, `?token=`), and URLs
 * are logged. These rules keep every secret out of the log.
 */
const SECRET_PATH = /(\/(?:reset-password|password\/reset)\/)[^/?#]+/g;

/**
 * The path with secret segments redacted and no query string at all: a query's names
 * can be percent-encoded (`?%74oken=`), so no pattern over the raw text is safe.
 */
export function redactUrl(url: string): string {
  const path = url.split("?")[0] ?? "";
  return path.replace(SECRET_PATH, "$1[redacted]");
}

/** pino paths whose values never reach the log. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "password",
  "newPassword",
  "currentPassword",
  "code",
  "token",
  "refreshToken",
  "accessToken",
];
