import type { Deps } from "../../domain/deps.js";
import { callbackUrl } from "./providers.js";
import { withParam } from "./redirect.js";

/** The fields of a form_post answer the callback reads; anything else stays behind. */
const FORWARDED = ["code", "state", "iss", "error", "error_description"] as const;

/**
 * A provider's form_post answer (Apple's) as the query of a GET to the callback. Only what
 * the callback reads goes on, and of Apple's `user` only the name: its email is in the
 * signed ID token and need not sit in the browser's history too.
 */
export function callbackQueryOf(fields: Readonly<Record<string, string>>): string {
  const query = new URLSearchParams();
  for (const name of FORWARDED) {
    const value = fields[name];
    if (typeof value === "string") query.set(name, value);
  }
  const name = nameOf(fields.user);
  if (name !== null) query.set("user", JSON.stringify({ name }));
  return query.toString();
}

/**
 * Where a form_post answer goes: the GET callback of that provider, with its fields as the
 * query. The target is PUBLIC_URL's, for configured providers only: nothing of the request
 * chooses where the browser goes (no open redirect), and the GET checks all there is.
 */
export function formPostTarget(
  deps: Deps,
  providerId: string,
  fields: Readonly<Record<string, string>>,
): string {
  const provider = deps.config.oauthProviders.find((candidate) => candidate.id === providerId);
  if (!provider) return withParam(deps.config.appUrl, "error", "PROVIDER_NOT_FOUND");
  return `${callbackUrl(deps, provider)}?${callbackQueryOf(fields)}`;
}

/**
 * The name in Apple's `user` field, sent on a user's first sign-in only (the ID token has
 * none). The field is not signed: it is whatever the user's own browser carried, so it is
 * used only as the display name of an account made now, never to change or find one.
 */
export function appleUserName(raw: string | null | undefined): string | null {
  const name = nameOf(raw);
  if (name === null) return null;
  const full = [name.firstName, name.lastName].filter(Boolean).join(" ").trim();
  return full === "" ? null : full;
}

interface AppleName {
  firstName?: string;
  lastName?: string;
}

function nameOf(raw: string | null | undefined): AppleName | null {
  if (typeof raw !== "string") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const name = (parsed as { name?: unknown } | null)?.name;
  if (typeof name !== "object" || name === null) return null;
  const { firstName, lastName } = name as Record<string, unknown>;
  const kept: AppleName = {};
  if (typeof firstName === "string") kept.firstName = firstName;
  if (typeof lastName === "string") kept.lastName = lastName;
  return kept.firstName === undefined && kept.lastName === undefined ? null : kept;
}
