import type { MiddlewareHandler } from "hono";
import type { Auth } from "./auth.js";
import { AccessDenied } from "./errors.js";
import { type AuthOptions, createGuard } from "./guard.js";

/** The variables requireAuth sets: `c.get("auth")` is typed on the routes it guards. */
export interface AuthEnv {
  Variables: { auth: Auth };
}

/** Hono middleware: `app.use("/api/*", requireAuth(options))`, then `c.get("auth")`. */
export function requireAuth(options: AuthOptions): MiddlewareHandler<AuthEnv> {
  const guard = createGuard(options);
  return async (c, next) => {
    try {
      c.set("auth", await guard(c.req.header("authorization"), c.req.header("cookie")));
    } catch (error) {
      if (error instanceof AccessDenied) return error.toResponse();
      throw error;
    }
    await next();
  };
}

export type { Auth, AuthOptions };
