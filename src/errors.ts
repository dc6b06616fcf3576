/**
 * Every error code the API can answer with, its HTTP status and default message.
 * Codes are part of the contract: add, never rename.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: "The request is not valid." },
  BAD_REQUEST: { status: 400, message: "The request could not be read." },
  INVALID_JSON: { status: 400, message: "The request body is not valid JSON." },
  INVALID_CODE: { status: 400, message: "The code is not valid." },
  CODE_EXPIRED: { status: 400, message: "The code has expired. Ask for a new one." },
  INVALID_TOKEN: { status: 400, message: "The link or code is invalid or has expired." },
  PASSWORD_MISMATCH: { status: 400, message: "The passwords do not match." },
  UNAUTHORIZED: { status: 401, message: "Authentication is required." },
  INVALID_CREDENTIALS: { status: 401, message: "The email or password is incorrect." },
  INVALID_REFRESH_TOKEN: { status: 401, message: "The refresh token is not valid." },
  EMAIL_NOT_VERIFIED: { status: 403, message: "Verify your email address before signing in." },
  ACCOUNT_BLOCKED: { status: 403, message: "This account is blocked." },
  FORBIDDEN: { status: 403, message: "You are not allowed to do this." },
  MFA_REQUIRED: { status: 403, message: "Confirm it is you with your second factor first." },
  NOT_FOUND: { status: 404, message: "Not found." },
  USER_NOT_FOUND: { status: 404, message: "No such user." },
  EMAIL_TAKEN: { status: 409, message: "An account with this email already exists." },
  USERNAME_TAKEN: { status: 409, message: "This username is taken." },
  ALREADY_VERIFIED: { status: 409, message: "This email address is already verified." },
  LAST_ADMIN: { status: 409, message: "The last active admin cannot be removed." },
  WEBHOOK_NOT_FOUND: { status: 404, message: "No such webhook." },
  WEBHOOK_URL_REFUSED: {
    status: 400,
    message: "The webhook URL is refused: it must reach a public address over http(s).",
  },
  REQUEST_TIMEOUT: { status: 408, message: "The request took too long to arrive." },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Send the body as application/json." },
  HEADERS_TOO_LARGE: { status: 431, message: "The request headers are too large." },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    message: "Too many wrong attempts. Wait until the code expires, then ask for a new one.",
  },
  RATE_LIMITED: { status: 429, message: "Too many requests. Try again later." },
  INTERNAL: { status: 500, message: "Something went wrong on our side." },
  UNAVAILABLE: { status: 503, message: "The service is temporarily unavailable." },
} as const satisfies Record<string, ErrorSpec>;

export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

/**
 * Codes a sign-in method brings (SignInMethod.errors). Each method's folder adds its names
 * here by declaration merging, so AuthError checks them like the core ones: `declare module
 * "../../errors.js" { interface MethodErrorCodes extends Record<keyof typeof X_ERRORS, true> {} }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface MethodErrorCodes {}

export type ErrorCode = keyof typeof ERROR_CODES | keyof MethodErrorCodes;

const catalog = new Map<string, ErrorSpec>(Object.entries(ERROR_CODES));

/** Adds a method's codes at start (composition root). A code is global: a clash is a bug. */
export function registerErrorCodes(codes: Readonly<Record<string, ErrorSpec>>): void {
  for (const [code, spec] of Object.entries(codes)) {
    const known = catalog.get(code);
    if (known && known !== spec) throw new Error(`error code ${code} is defined twice`);
    catalog.set(code, spec);
  }
}

/** Every code the API can answer with, core and methods'. */
export function errorCatalog(): ReadonlyMap<string, ErrorSpec> {
  return catalog;
}

export function errorSpec(code: ErrorCode): ErrorSpec {
  const spec = catalog.get(code);
  if (!spec) throw new Error(`error code ${code} was never registered`);
  return spec;
}

export interface FieldError {
  field: string;
  message: string;
}

export class AuthError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: FieldError[],
    /** Seconds, sent as Retry-After (429, 503). */
    readonly retryAfter?: number,
  ) {
    const spec = errorSpec(code);
    super(message ?? spec.message);
    this.name = "AuthError";
    this.status = spec.status;
  }
}

export function fieldError(field: string, message: string): AuthError {
  return new AuthError("VALIDATION_FAILED", undefined, [{ field, message }]);
}
