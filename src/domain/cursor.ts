/**
 * Opaque pagination cursors: (time, id) of the last item seen, base64url-encoded so
 * clients treat them as tokens, not as something to build.
 */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** Null for anything that is not a cursor this service made. */
export function decodeCursor(text: string): Cursor | null {
  const [iso, id, extra] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (!iso || !id || extra !== undefined) return null;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== iso) return null;
  return { at, id };
}
