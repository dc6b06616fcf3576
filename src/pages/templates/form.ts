import type { PageContext } from "../context.js";
import { attributes, escapeHtml, type Html } from "../html.js";

/** One problem with what was sent: about a field when `field` names one, else the form. */
export interface FormError {
  field?: string | undefined;
  message: string;
  /** A way out, e.g. "Verify it now" for an unverified email. */
  action?: { href: string; label: string } | undefined;
}

export interface InputSpec {
  name: string;
  label: string;
  type?: "email" | "password" | "text";
  autocomplete: string;
  value?: string;
  hint?: string;
  required?: boolean;
  optional?: boolean;
  inputmode?: "numeric" | "email";
  maxlength?: number;
  minlength?: number;
  pattern?: string;
  /** Extra class, e.g. the code input's monospace. */
  className?: string;
  /** Distinguishes two forms on one page that share a field name. */
  idPrefix?: string;
}

export const fieldId = (name: string, prefix = "f") => `${prefix}-${name}`;

/**
 * The list of problems at the top of a form, in the GOV.UK Design System's pattern: a
 * role="alert" region that takes focus on load (autofocus, no script needed), each
 * field's problem linking to that field.
 */
export function errorSummary(ctx: PageContext, errors: readonly FormError[]): Html {
  if (errors.length === 0) return "";
  const items = errors
    .map((error) => {
      const message = error.field
        ? `<a${attributes({ href: `#${fieldId(error.field)}` })}>${escapeHtml(error.message)}</a>`
        : escapeHtml(error.message);
      const action = error.action
        ? ` <a${attributes({ href: error.action.href })}>${escapeHtml(error.action.label)}</a>`
        : "";
      return `<li>${message}${action}</li>`;
    })
    .join("");
  return `<div class="alert alert-error" role="alert" tabindex="-1" autofocus data-error-summary aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${escapeHtml(ctx.t("page.errorSummary"))}</h2>
<ul>${items}</ul>
</div>`;
}

/** A status message (role="status": announced politely, without taking focus). */
export function notice(text: string | undefined): Html {
  return text ? `<div class="alert alert-info" role="status">${escapeHtml(text)}</div>` : "";
}

/**
 * A labelled input with its hint and its error, both tied to it with aria-describedby;
 * the error is repeated beside the field so it is found where the eye (or the screen
 * reader's cursor) is.
 */
export function input(ctx: PageContext, spec: InputSpec, errors: readonly FormError[]): Html {
  const id = fieldId(spec.name, spec.idPrefix);
  const error = spec.idPrefix ? undefined : errors.find((e) => e.field === spec.name);
  const hintId = spec.hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  const optional = spec.optional
    ? ` <span class="optional">${escapeHtml(ctx.t("page.optional"))}</span>`
    : "";
  return `<div class="field">
<label for="${id}">${escapeHtml(spec.label)}${optional}</label>
${spec.hint ? `<p class="hint" id="${hintId}">${escapeHtml(spec.hint)}</p>` : ""}${
  error
    ? `<p class="error" id="${errorId}"><span class="visually-hidden">${escapeHtml(ctx.t("page.errorPrefix"))}</span> ${escapeHtml(error.message)}</p>`
    : ""
}
<input${attributes({
    id,
    name: spec.name,
    type: spec.type ?? "text",
    autocomplete: spec.autocomplete,
    value: spec.type === "password" ? undefined : spec.value,
    required: spec.required ?? false,
    inputmode: spec.inputmode,
    maxlength: spec.maxlength,
    minlength: spec.minlength,
    pattern: spec.pattern,
    spellcheck: spec.type === "password" || spec.type === "email" ? "false" : undefined,
    autocapitalize: spec.type === "email" || spec.type === "password" ? "none" : undefined,
    class: spec.className,
    "aria-describedby": describedBy || undefined,
    "aria-invalid": error ? "true" : undefined,
  })}>
</div>`;
}

export interface FormSpec {
  action: string;
  body: Html;
  submit: string;
  /** Marks forms the script enhances, e.g. `data-resume`. */
  data?: Readonly<Record<string, string>>;
  secondary?: boolean;
}

/**
 * A POST form to this origin. Never a GET: secrets in forms stay out of URLs and logs.
 * novalidate: the server's messages, in the page's language, are the one set of errors.
 */
export function form(ctx: PageContext, spec: FormSpec): Html {
  const data = Object.fromEntries(
    Object.entries(spec.data ?? {}).map(([name, value]) => [`data-${name}`, value]),
  );
  const lang = ctx.explicitLang ? `<input type="hidden" name="lang" value="${ctx.locale}">` : "";
  return `<form${attributes({ method: "post", action: spec.action, novalidate: true, ...data })}>
${lang}${spec.body}
<button type="submit"${attributes({ class: spec.secondary ? "button secondary" : "button" })}>${escapeHtml(spec.submit)}</button>
</form>`;
}

export function hidden(name: string, value: string | undefined): Html {
  return value ? `<input${attributes({ type: "hidden", name, value })}>` : "";
}

/** A line of links under a form: "No account yet? Create one". */
export function aside(question: string, href: string, label: string): Html {
  const lead = question ? `${escapeHtml(question)} ` : "";
  return `<p class="links">${lead}<a${attributes({ href })}>${escapeHtml(label)}</a></p>`;
}

/**
 * The email field every form that asks for one shares. Where it names the account a
 * password goes with (sign-in, reset), `username` lets password managers pair them.
 */
/** The 6-digit code a mail carries; `hint` says where to find it. */
export function codeInput(
  ctx: PageContext,
  value: string,
  errors: readonly FormError[],
  hint?: string,
): Html {
  return input(
    ctx,
    {
      name: "code",
      label: ctx.t("field.code"),
      autocomplete: "one-time-code",
      inputmode: "numeric",
      pattern: "[0-9]{6}",
      maxlength: 6,
      value,
      ...(hint === undefined ? {} : { hint }),
      required: true,
      className: "code-input",
    },
    errors,
  );
}

export function emailInput(
  ctx: PageContext,
  value: string | undefined,
  errors: readonly FormError[],
  autocomplete: "email" | "username" | "username webauthn" = "email",
): Html {
  return input(
    ctx,
    {
      name: "email",
      label: ctx.t("field.email"),
      type: "email",
      autocomplete,
      inputmode: "email",
      value,
      required: true,
    },
    errors,
  );
}

/** A new password and its confirmation, as reset and change-password ask for them. */
export function newPasswordInputs(
  ctx: PageContext,
  name: "password" | "newPassword",
  errors: readonly FormError[],
): Html[] {
  const { t, config } = ctx;
  return [
    input(
      ctx,
      {
        name,
        label: t("field.newPassword"),
        type: "password",
        autocomplete: "new-password",
        hint: t("field.passwordHint", { min: config.passwordMinLength }),
        required: true,
        minlength: config.passwordMinLength,
      },
      errors,
    ),
    input(
      ctx,
      {
        name: "confirmPassword",
        label: t("field.confirmPassword"),
        type: "password",
        autocomplete: "new-password",
        required: true,
      },
      errors,
    ),
  ];
}
