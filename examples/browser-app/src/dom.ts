/**
 * The few DOM members this app uses. The repository type-checks everything in one program
 * without the DOM library (the server's code must not see browser globals), so they are
 * declared here, local to this module, instead of `/// <reference lib="dom" />`.
 */
interface Element {
  hidden: boolean;
  textContent: string | null;
  value: string;
  addEventListener(
    type: "submit" | "click",
    listener: (event: { preventDefault(): void }) => void,
  ): void;
}

declare const document: { getElementById(id: string): Element | null };
declare const location: { search: string };

const VIEWS = ["signed-out", "verify", "mfa", "signed-in"] as const;
export type View = (typeof VIEWS)[number];

function byId(id: string): Element {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

export const field = (id: string): string => byId(id).value.trim();

export function text(id: string, value: string): void {
  byId(id).textContent = value;
}

export function show(view: View): void {
  for (const id of VIEWS) byId(id).hidden = id !== view;
}

export const queryParam = (name: string): string | null =>
  new URLSearchParams(location.search).get(name);

/** Runs `action` when the form is submitted; its error, if any, goes to the status line. */
export function onSubmit(formId: string, action: () => Promise<unknown>): void {
  byId(formId).addEventListener("submit", (event) => {
    event.preventDefault();
    text("status", "");
    action().catch((error: unknown) => {
      const { code, message } = error as { code?: string; message?: string };
      text("status", code ? `${code}: ${message}` : String(message ?? error));
    });
  });
}
