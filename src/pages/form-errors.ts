import { AuthError, type ErrorCode, type FieldError } from "../errors.js";
import { formatDuration, type MessageKey, type Translate } from "../i18n/translate.js";
import type { PageContext } from "./context.js";
import type { FormError } from "./templates/form.js";

/**
 * The domain's field messages are English sentences. These patterns recognise the ones
 * a person can meet on the pages and say them in the page's language; a message not
 * recognised is shown as the domain wrote it, so nothing is ever lost.
 */
const FIELD_MESSAGES: readonly [RegExp, (t: Translate, match: RegExpExecArray) => string][] = [
  [/^Email is required|^userId or email is required/, (t) => t("error.email.required")],
  [/^Email (?:is not a valid|must be at most)/, (t) => t("error.email.invalid")],
  [/at least (\d+) characters/, (t, m) => t("error.password.tooShort", { min: m[1] ?? "" })],
  [/^Password must be at most/, (t) => t("error.password.tooLong")],
  [/too common/, (t) => t("error.password.common")],
  [/data breaches/, (t) => t("error.password.breached")],
  [/must not contain your (email name|name|username)/, (t, m) => contextWord(t, m[1])],
  [/^Name must/, (t) => t("error.name.invalid")],
  [/exactly 6 digits/, (t) => t("error.code.format")],
  [/^Locale must/, (t) => t("error.locale.unsupported")],
];

function contextWord(t: Translate, word: string | undefined): string {
  const what =
    word === "name"
      ? t("error.password.contextName")
      : word === "username"
        ? t("error.password.contextUsername")
        : t("error.password.contextEmail");
  return t("error.password.context", { what });
}

function fieldMessage(t: Translate, error: FieldError): string {
  for (const [pattern, say] of FIELD_MESSAGES) {
    const match = pattern.exec(error.message);
    if (match) return say(t, match);
  }
  return error.message;
}

// Codes whose message belongs beside a field rather than above the form.
const CODE_FIELDS: Partial<Record<ErrorCode, string>> = {
  INVALID_CODE: "code",
  CODE_EXPIRED: "code",
  TOO_MANY_ATTEMPTS: "code",
  INVALID_TOKEN: "code",
  EMAIL_TAKEN: "email",
  USERNAME_TAKEN: "username",
  PASSWORD_MISMATCH: "confirmPassword",
};

export interface ErrorOptions {
  /** The form's name for a domain field, e.g. password → newPassword. */
  rename?: Readonly<Record<string, string>>;
}

/**
 * What a refused form shows: each field's problem beside it, or the code's message.
 * Anything that is not an AuthError is not the person's doing and is rethrown.
 */
export function formErrors(
  ctx: PageContext,
  error: unknown,
  options: ErrorOptions = {},
): FormError[] {
  if (!(error instanceof AuthError)) throw error;
  const { t } = ctx;
  const rename = (field: string | undefined) =>
    field === undefined ? undefined : (options.rename?.[field] ?? field);
  if (error.fields?.length && error.code === "VALIDATION_FAILED") {
    return error.fields.map((f) => ({ field: rename(f.field), message: fieldMessage(t, f) }));
  }
  const field = rename(error.fields?.[0]?.field ?? CODE_FIELDS[error.code]);
  return [{ field, message: codeMessage(ctx, error) }];
}

/** The message of an error code in the page's language. */
export function codeMessage(ctx: PageContext, error: AuthError): string {
  const { t } = ctx;
  if (error.code === "RATE_LIMITED") {
    const minutes = Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60));
    return t("error.RATE_LIMITED", { minutes: formatDuration(ctx.locale, minutes) });
  }
  // Change-password's "the current password is wrong" names the field it is about.
  if (error.code === "INVALID_CREDENTIALS" && error.fields?.[0]?.field === "currentPassword") {
    return t("error.currentPassword.wrong");
  }
  const key = `error.${error.code}` as MessageKey;
  const message = t(key);
  return message === key ? t("error.INTERNAL") : message;
}
