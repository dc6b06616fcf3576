import type { ServerErrorCode } from "./generated/openapi.js";

/** Codes the client itself answers with, when no server answer could be read. */
export type ClientErrorCode = "NETWORK_ERROR" | "INVALID_RESPONSE" | "NOT_SIGNED_IN";

export type LatchkeyErrorCode = ServerErrorCode | ClientErrorCode;

/** One field's complaint in a VALIDATION_FAILED answer. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An error answer of Latchkey, carrying the contract's stable `code` (branch on it, not on
 * `message`, which may change), the HTTP status (0 when no answer came) and, for
 * VALIDATION_FAILED, the fields at fault.
 */
export class LatchkeyError extends Error {
  override readonly name = "LatchkeyError";
  readonly code: LatchkeyErrorCode;
  readonly status: number;
  readonly details: readonly FieldError[];
  /** The server's x-request-id, for its logs. */
  readonly requestId: string | null;

  constructor(
    code: LatchkeyErrorCode,
    status: number,
    message: string,
    options: { details?: readonly FieldError[]; requestId?: string | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.details = options.details ?? [];
    this.requestId = options.requestId ?? null;
  }
}

export function isLatchkeyError(error: unknown): error is LatchkeyError {
  return error instanceof LatchkeyError;
}

/** The envelope's error fields, read defensively: a proxy may answer with anything. */
export async function errorFromResponse(response: Response): Promise<LatchkeyError> {
  const requestId = response.headers.get("x-request-id");
  const body: unknown = await response.json().catch(() => undefined);
  if (typeof body === "object" && body !== null && typeof Reflect.get(body, "code") === "string") {
    const message = Reflect.get(body, "message");
    const errors = Reflect.get(body, "errors");
    return new LatchkeyError(
      Reflect.get(body, "code") as LatchkeyErrorCode,
      response.status,
      typeof message === "string" ? message : `HTTP ${response.status}`,
      { details: Array.isArray(errors) ? (errors as FieldError[]) : [], requestId },
    );
  }
  return new LatchkeyError(
    "INVALID_RESPONSE",
    response.status,
    `Unexpected answer: HTTP ${response.status}.`,
    { requestId },
  );
}
