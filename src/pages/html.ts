import { escapeHtml } from "../mail/templates/escape.js";

export { escapeHtml };

/** HTML that is already safe to put into a page: made only by templates that escape. */
export type Html = string;

type AttributeValue = string | number | boolean | undefined | null;

/**
 * ` name="value"` pairs, every value escaped. `true` writes a bare attribute, and
 * `false`, null and undefined leave it out, so templates need no conditionals for them.
 */
export function attributes(values: Readonly<Record<string, AttributeValue>>): Html {
  return Object.entries(values)
    .map(([name, value]) => {
      if (value === true) return ` ${name}`;
      if (value === false || value === null || value === undefined) return "";
      return ` ${name}="${escapeHtml(value)}"`;
    })
    .join("");
}

/** Text with one `{placeholder}` replaced by HTML: the rest is escaped as text. */
export function withHtml(text: string, placeholder: string, html: Html): Html {
  return escapeHtml(text).replace(`{${placeholder}}`, html);
}
