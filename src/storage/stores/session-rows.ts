import type { Aal, Assurance, AuthMethod } from "../../domain/vocabulary.js";
import type { NewSession, SessionRecord } from "../ports.js";
import type { SessionRow } from "../schema.js";

/** The columns are only ever written from an Assurance; anything else reads as the least. */
export function toAssurance(row: { aal: string; amr: string[] | string }): Assurance {
  const amr = typeof row.amr === "string" ? parseTextArray(row.amr) : row.amr;
  return { aal: (row.aal === "aal2" ? "aal2" : "aal1") as Aal, amr: amr as AuthMethod[] };
}

/** `{pwd,email}`: an array a driver handed over as text (the values are plain words). */
function parseTextArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",");
}

export function toSessionColumns(session: NewSession) {
  return {
    id: session.id,
    family_id: session.familyId,
    user_id: session.userId,
    token_hash: session.tokenHash,
    // Every token this version issues names its row (domain/refresh-token.ts).
    token_names_row: true,
    family_started_at: session.familyStartedAt,
    created_at: session.now,
    expires_at: session.expiresAt,
    last_used_at: session.now,
    revoked_at: null,
    replaced_by: null,
    user_agent: session.userAgent,
    ip: session.ip,
    aal: session.assurance?.aal ?? "aal1",
    amr: session.assurance?.amr ?? ["pwd"],
  };
}

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    familyStartedAt: row.family_started_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    replacedBy: row.replaced_by,
    userAgent: row.user_agent,
    ip: row.ip,
    assurance: toAssurance(row),
  };
}
