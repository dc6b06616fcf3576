/**
 * The refusals an app answers with, in Latchkey's error envelope (the server README, "errors"):
 * the same codes, statuses and messages as the server's own (src/errors.ts there; a test
 * compares them).
 */
export const REFUSALS = {
  UNAUTHORIZED: { status: 401, message: "Authentication is required." },
  FORBIDDEN: { status: 403, message: "You are not allowed to do this." },
  MFA_REQUIRED: { status: 403, message: "Confirm it is you with your second factor first." },
  UNAVAILABLE: { status: 503, message: "The service is temporarily unavailable." },
} as const;

export type RefusalCode = keyof typeof REFUSALS;

/**
 * Why, for the app's logs; never sent to the caller beyond RFC 6750's error code, so a
 * forger learns nothing about which check stopped the token.
 */
export type RefusalReason = "missing" | "invalid" | "expired" | "role" | "aal" | "keys-unavailable";

export interface ErrorEnvelope {
  success: false;
  message: string;
  code: RefusalCode;
}

/** Seconds a caller waits before trying again when Latchkey's keys could not be fetched. */
const RETRY_AFTER_SECONDS = 5;

export class AccessDenied extends Error {
  readonly status: number;

  constructor(
    readonly code: RefusalCode,
    readonly reason: RefusalReason,
    options?: { cause?: unknown },
  ) {
    super(REFUSALS[code].message, options);
    this.name = "AccessDenied";
    this.status = REFUSALS[code].status;
  }

  get body(): ErrorEnvelope {
    return { success: false, message: this.message, code: this.code };
  }

  /**
   * RFC 6750 §3: a 401 names the scheme, and `invalid_token` when a token was presented
   * (none when it was missing, §3.1); a 503 says when to come back.
   */
  get headers(): Record<string, string> {
    if (this.status === 401) {
      const error = this.reason === "missing" ? "" : ', error="invalid_token"';
      return { "www-authenticate": `Bearer realm="latchkey"${error}` };
    }
    if (this.status === 503) return { "retry-after": String(RETRY_AFTER_SECONDS) };
    return {};
  }

  /** The refusal as a web-standard Response. */
  toResponse(): Response {
    return Response.json(this.body, { status: this.status, headers: this.headers });
  }
}
