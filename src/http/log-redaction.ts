/**
 * Reset tokens travel in URLs (`/auth/reset-password/<token>`, `?token=`), and URLs
 * are logged. These rules keep every secret out of the log.
 */
const SECRET_PATH = /(\/(?:reset-password|password\/reset)\/)[^/?#]+/g;
const SECRET_QUERY = /([?&](?:token|code|refreshToken|accessToken)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, "$1[redacted]").replace(SECRET_QUERY, "$1[redacted]");
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
