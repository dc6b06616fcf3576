import { randomUUID } from "node:crypto";

export interface Note {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

/** Each user's notes, in memory: the example's storage, keyed by the token's `sub`. */
export class NoteBook {
  private readonly byUser = new Map<string, Map<string, Note>>();

  list(userId: string): Note[] {
    return [...(this.byUser.get(userId)?.values() ?? [])];
  }

  get(userId: string, id: string): Note | null {
    return this.byUser.get(userId)?.get(id) ?? null;
  }

  add(userId: string, fields: { title: string; body: string }): Note {
    const now = new Date().toISOString();
    const note = { id: randomUUID(), ...fields, createdAt: now, updatedAt: now };
    const notes = this.byUser.get(userId) ?? new Map<string, Note>();
    notes.set(note.id, note);
    this.byUser.set(userId, notes);
    return note;
  }

  update(userId: string, id: string, fields: Partial<Pick<Note, "title" | "body">>): Note | null {
    const note = this.get(userId, id);
    if (!note) return null;
    Object.assign(note, fields, { updatedAt: new Date().toISOString() });
    return note;
  }

  remove(userId: string, id: string): boolean {
    return this.byUser.get(userId)?.delete(id) ?? false;
  }

  /** For the admin route: how many notes each user keeps. */
  counts(): { userId: string; notes: number }[] {
    return [...this.byUser].map(([userId, notes]) => ({ userId, notes: notes.size }));
  }
}
