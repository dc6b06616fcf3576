import type { PageContext } from "../context.js";
import { attributes, escapeHtml, type Html } from "../html.js";
import { renderLayout } from "./layout.js";

export interface MessageView {
  title: string;
  paragraphs: readonly string[];
  /** The first is drawn as the main button. */
  actions: readonly { href: string; label: string }[];
  /** role="alert" when the page exists to say something went wrong. */
  alert?: boolean;
}

/** A page that only says something: "check your email", "this link no longer works". */
export function messagePage(ctx: PageContext, view: MessageView): Html {
  const text = view.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
  const actions = view.actions
    .map(
      (action, index) =>
        `<a${attributes({ class: index === 0 ? "button" : "button secondary", href: action.href })}>${escapeHtml(action.label)}</a>`,
    )
    .join("\n");
  const body = `<div${attributes({ role: view.alert ? "alert" : undefined })}>${text}</div>
<div class="actions">${actions}</div>`;
  return renderLayout(ctx, { title: view.title, body });
}
