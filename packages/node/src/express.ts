import type { IncomingMessage, ServerResponse } from "node:http";
import type { Auth } from "./auth.js";
import { AccessDenied } from "./errors.js";
import { type AuthOptions, createGuard } from "./guard.js";

declare global {
  // Express declares its Request in this namespace: the usual way to add a field to it.
  namespace Express {
    interface Request {
      /** Set by requireAuth: who presented the token. */
      auth?: Auth;
    }
  }
}

type Next = (error?: unknown) => void;

/**
 * Express (4 and 5) or Connect middleware: `app.get("/notes", requireAuth(options), handler)`,
 * then `req.auth`. Refusals are answered here in Latchkey's envelope; anything else goes to
 * the app's error handler.
 */
export function requireAuth(
  options: AuthOptions,
): (request: IncomingMessage, response: ServerResponse, next: Next) => void {
  const guard = createGuard(options);
  return (request, response, next) => {
    guard(request.headers.authorization, request.headers.cookie).then(
      (auth) => {
        (request as IncomingMessage & { auth?: Auth }).auth = auth;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof AccessDenied)) return next(error);
        response.statusCode = error.status;
        for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
        response.setHeader("content-type", "application/json; charset=utf-8");
        response.end(JSON.stringify(error.body));
      },
    );
  };
}

export type { Auth, AuthOptions };
