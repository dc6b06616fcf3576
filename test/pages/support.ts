import { expect } from "vitest";
import { extractCode } from "../helpers/smtp-capture.js";
import type { TestServer } from "../helpers/test-server.js";

/** What a browser would get: status, headers and the page, redirects not followed. */
export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

/** Cookies as a browser keeps them between requests (name → value; cleared when emptied). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, value);
      }
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface RequestOptions {
  jar?: CookieJar;
  headers?: Record<string, string>;
}

// What Chromium sends with a same-origin form on a no-referrer page (a page cached from
// before the pages sent `same-origin`); the pages still accept it.
export const SAME_ORIGIN_FORM = { origin: "null", "sec-fetch-site": "same-origin" } as const;

async function send(
  server: TestServer,
  method: "GET" | "POST",
  path: string,
  body: string | undefined,
  options: RequestOptions,
): Promise<PageResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers["content-type"] ??= "application/x-www-form-urlencoded";
  const cookie = options.jar?.header();
  if (cookie) headers.cookie = cookie;
  const response = await fetch(server.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    redirect: "manual",
  });
  options.jar?.take(response.headers);
  return {
    status: response.status,
    headers: response.headers,
    html: await response.text(),
    location: response.headers.get("location"),
  };
}

export function getPage(server: TestServer, path: string, options: RequestOptions = {}) {
  return send(server, "GET", path, undefined, options);
}

/**
 * A form post as a browser sends it without script: urlencoded, with the same-origin
 * headers unless the test gives its own.
 */
export function postForm(
  server: TestServer,
  path: string,
  fields: Record<string, string>,
  options: RequestOptions = {},
) {
  return send(server, "POST", path, new URLSearchParams(fields).toString(), {
    ...options,
    headers: options.headers ?? SAME_ORIGIN_FORM,
  });
}

/** The value of an input in the page, by name. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? /\bvalue="([^"]*)"/.exec(tag)?.[1] : undefined;
}

/** The page announces its problems: a focused alert, and each field tied to its error. */
export function expectAnnouncedErrors(html: string, fields: readonly string[]): void {
  expect(html).toMatch(/<div class="alert alert-error" role="alert" tabindex="-1" autofocus/);
  for (const field of fields) {
    const input = new RegExp(`<input[^>]*\\bname="${field}"[^>]*>`).exec(html)?.[0] ?? "";
    expect(input, field).toContain('aria-invalid="true"');
    const describedBy = /aria-describedby="([^"]*)"/.exec(input)?.[1] ?? "";
    expect(describedBy.split(" "), field).toContain(`f-${field}-error`);
    expect(html).toContain(`id="f-${field}-error"`);
    expect(html).toContain(`href="#f-${field}"`);
  }
}

export function heading(html: string): string {
  return /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? "";
}

export const PASSWORD = "correct horse battery staple";
export const NEW_PASSWORD = "a brand new passphrase";

/** Signs up on the page and verifies with the mailed code; returns the address. */
export async function signUpWithPages(server: TestServer, address: string): Promise<string> {
  const signUp = await postForm(server, "/sign-up", { email: address, password: PASSWORD });
  expect(signUp.status, signUp.html).toBe(303);
  const mail = await server.smtp.waitForMail((m) => m.to.includes(address));
  const verified = await postForm(server, "/verify-email", {
    email: address,
    code: extractCode(mail),
  });
  expect(verified.location).toBe("/sign-in?notice=verified");
  return address;
}

/** Signs in on the page; the jar then holds the session's cookies. */
export async function signInWithPages(
  server: TestServer,
  address: string,
  password = PASSWORD,
): Promise<CookieJar> {
  const jar = new CookieJar();
  const page = await postForm(server, "/sign-in", { email: address, password }, { jar });
  expect(page.status, page.html).toBe(303);
  expect(page.location).toBe("/account");
  return jar;
}
