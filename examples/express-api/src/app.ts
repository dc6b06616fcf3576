import { requireAuth } from "@latchkey/node/express";
import express, { type Request, type Response } from "express";
import { NoteBook } from "./notes.js";

export interface ApiOptions {
  /** Latchkey's PUBLIC_URL: the tokens' issuer. */
  issuer: string;
  /** This API: one of Latchkey's ACCESS_TOKEN_AUDIENCE. */
  audience: string;
  /** Where this API reaches Latchkey's keys, when not at the issuer's address. */
  jwksUrl?: string | undefined;
}

/** Answers in Latchkey's envelope, so a client reads one shape from both services. */
function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ success: false, code, message });
}

function noteFields(body: unknown): { title: string; body: string } | null {
  const { title, body: text = "" } = (body ?? {}) as Record<string, unknown>;
  if (typeof title !== "string" || title.trim() === "" || title.length > 200) return null;
  if (typeof text !== "string" || text.length > 10_000) return null;
  return { title: title.trim(), body: text };
}

/** The notes API of the older seeds, with Latchkey's middleware instead of their auth routes. */
export function createApp(options: ApiOptions, notes = new NoteBook()): express.Express {
  const app = express();
  app.use(express.json({ limit: "64kb" }));
  const auth = { issuer: options.issuer, audience: options.audience, jwksUrl: options.jwksUrl };
  const userOf = (req: Request): string => req.auth!.sub;

  app.get("/health", (_req, res) => {
    res.json({ success: true, message: "ok" });
  });

  app.get("/notes", requireAuth(auth), (req, res) => {
    res.json({ success: true, message: "Your notes.", notes: notes.list(userOf(req)) });
  });

  app.post("/notes", requireAuth(auth), (req, res) => {
    const fields = noteFields(req.body);
    if (!fields) return fail(res, 400, "VALIDATION_FAILED", "A note needs a title.");
    res
      .status(201)
      .json({ success: true, message: "Note added.", note: notes.add(userOf(req), fields) });
  });

  app.get("/notes/:id", requireAuth(auth), (req, res) => {
    const note = notes.get(userOf(req), req.params.id as string);
    if (!note) return fail(res, 404, "NOT_FOUND", "No such note.");
    res.json({ success: true, message: "The note.", note });
  });

  app.patch("/notes/:id", requireAuth(auth), (req, res) => {
    const fields = noteFields({ title: req.body?.title, body: req.body?.body });
    if (!fields) return fail(res, 400, "VALIDATION_FAILED", "A note needs a title.");
    const note = notes.update(userOf(req), req.params.id as string, fields);
    if (!note) return fail(res, 404, "NOT_FOUND", "No such note.");
    res.json({ success: true, message: "Note saved.", note });
  });

  app.delete("/notes/:id", requireAuth(auth), (req, res) => {
    if (!notes.remove(userOf(req), req.params.id as string)) {
      return fail(res, 404, "NOT_FOUND", "No such note.");
    }
    res.json({ success: true, message: "Note deleted." });
  });

  app.get("/admin/notes", requireAuth({ ...auth, roles: "admin" }), (_req, res) => {
    res.json({ success: true, message: "Notes per user.", users: notes.counts() });
  });

  // Bodies that are not JSON get the envelope too, not Express's HTML page.
  app.use((error: { status?: number }, _req: Request, res: Response, _next: () => void) => {
    if (error.status === 400) return fail(res, 400, "INVALID_JSON", "The body is not valid JSON.");
    fail(res, 500, "INTERNAL", "Something went wrong on our side.");
  });
  return app;
}
