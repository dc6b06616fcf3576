import type { Duplex } from "node:stream";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { AuthError, ERROR_CODES, type ErrorCode, errorSpec, type FieldError } from "../errors.js";
import { isDatabaseUnavailable, isDeadlock } from "../storage/unavailable.js";
import { redactUrl } from "./log-redaction.js";

// A database restart or failover takes seconds; clients retrying sooner only add load.
const RETRY_AFTER_SECONDS = 5;

interface ErrorEnvelope {
  success: false;
  message: string;
  code: ErrorCode;
  errors?: FieldError[];
}

export function sendError(reply: FastifyReply, error: AuthError): FastifyReply {
  const body: ErrorEnvelope = { success: false, message: error.message, code: error.code };
  if (error.fields?.length) body.errors = error.fields;
  if (error.retryAfter !== undefined) reply.header("retry-after", String(error.retryAfter));
  return reply.code(error.status).type("application/json; charset=utf-8").send(body);
}

/**
 * One place turns every failure into the envelope: AuthError as it is, Fastify's own
 * errors by their code, anything else as a 500 whose details stay in the log.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toAuthError(error);
    if (known) return sendError(reply, known);
    // A deadlock that survived its transaction's one retry is contention, not a bug: try later.
    if (isDatabaseUnavailable(error) || isDeadlock(error)) {
      request.log.warn({ err: error }, "database unavailable");
      return sendError(
        reply,
        new AuthError("UNAVAILABLE", undefined, undefined, RETRY_AFTER_SECONDS),
      );
    }
    request.log.error({ err: error }, "unhandled error");
    return sendError(reply, new AuthError("INTERNAL"));
  });
}

/**
 * Errors Fastify's router raises before any route or hook runs: a malformed
 * %-escape, an over-long path parameter. Same envelope, no echo of the path.
 */
export function frameworkErrors(error: FastifyError, _request: unknown, reply: FastifyReply) {
  const known =
    error.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? new AuthError("NOT_FOUND")
      : new AuthError("BAD_REQUEST", "The URL is malformed.");
  return sendError(reply, known);
}

/** Node's reasons for refusing a request before Fastify sees it, and what each answers. */
const CLIENT_ERRORS: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: "HEADERS_TOO_LARGE",
  // HEADERS_TIMEOUT or REQUEST_TIMEOUT passed before the request was in.
  ERR_HTTP_REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
};
const REASONS: Partial<Record<ErrorCode, string>> = {
  HEADERS_TOO_LARGE: "Request Header Fields Too Large",
  REQUEST_TIMEOUT: "Request Timeout",
};

/**
 * Requests Node's HTTP parser rejects never reach Fastify: answer them in the
 * envelope on the raw socket.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  const code = CLIENT_ERRORS[error.code ?? ""] ?? "BAD_REQUEST";
  const { status, message } = errorSpec(code);
  const body = JSON.stringify({ success: false, message, code });
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[code] ?? "Bad Request"}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  } else {
    socket.destroy(error);
  }
}

/**
 * 404s in the envelope. Registered in the same scope as the security headers, so an
 * unknown route gets them too.
 */
export function registerNotFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new AuthError(
        "NOT_FOUND",
        `No route for ${request.method} ${redactUrl(request.url).slice(0, 200)}.`,
      ),
    ),
  );
}

function toAuthError(error: FastifyError): AuthError | null {
  if (error instanceof AuthError) return error;
  if (error.validation) {
    return new AuthError(
      "VALIDATION_FAILED",
      undefined,
      error.validation.map((issue) => ({
        field: fieldOf(issue),
        message: messageOf(issue),
      })),
    );
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AuthError("PAYLOAD_TOO_LARGE");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_TYPE":
      return new AuthError("UNSUPPORTED_MEDIA_TYPE");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new AuthError("INVALID_JSON");
  }
  const status = error.statusCode ?? 500;
  if (status === 400) {
    // Fastify's JSON parser throws plain SyntaxErrors (bad JSON, __proto__ keys) with 400.
    return new AuthError("INVALID_JSON");
  }
  if (status > 400 && status < 500) {
    const code = (Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]).find(
      (c) => ERROR_CODES[c].status === status,
    );
    return new AuthError(code ?? "VALIDATION_FAILED");
  }
  return null;
}

interface ValidationIssue {
  instancePath: string;
  keyword?: string;
  params: Record<string, unknown>;
  message?: string;
}

/**
 * The schemas' caps on password fields only stop absurd input before any work; the
 * rule a person must know is the contract's 256.
 */
function messageOf(issue: ValidationIssue): string {
  if (issue.keyword === "maxLength" && /password$/i.test(issue.instancePath)) {
    return "Password must be at most 256 characters.";
  }
  return issue.message ?? "is not valid";
}

function fieldOf(issue: ValidationIssue): string {
  const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
  const extra = issue.params.missingProperty ?? issue.params.additionalProperty;
  if (typeof extra === "string") return path ? `${path}.${extra}` : extra;
  return path || "body";
}
