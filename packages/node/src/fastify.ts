import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { type Auth, enforce, enforceable, type Requirements } from "./auth.js";
import { AccessDenied } from "./errors.js";
import { type AuthOptions, createGuard } from "./guard.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** This route's requirements, over the plugin's; `false` leaves the route public. */
    latchkey?: Requirements | false;
  }
}
// `request.auth: Auth` is declared in the published dist/fastify.d.ts (scripts/build.mjs):
// Latchkey's own server declares a FastifyRequest.auth of another type, and this repository
// type-checks both in one program.

/**
 * Guards every route of the context it is registered in (and its children) with a token
 * check in onRequest, and sets `request.auth`:
 *
 *     await app.register(latchkeyAuth, { issuer, audience });
 *     app.get("/admin", { config: { latchkey: { roles: "admin" } } }, handler);
 */
export const latchkeyAuth: FastifyPluginAsync<AuthOptions> = Object.assign(
  async (app: Parameters<FastifyPluginAsync<AuthOptions>>[0], options: AuthOptions) => {
    const { roles, aal, ...source } = options;
    enforceable({ roles, aal });
    const guard = createGuard(source);
    if (!app.hasRequestDecorator("auth")) app.decorateRequest("auth", null);
    // A route's requirement that no token can meet fails when the route is added.
    app.addHook("onRoute", (route) => {
      if (route.config?.latchkey) enforceable(route.config.latchkey);
    });
    app.addHook("onRequest", async (request, reply) => {
      const route = request.routeOptions.config.latchkey;
      if (route === false) return;
      try {
        const auth = await guard(request.headers.authorization, request.headers.cookie);
        enforce(auth, { roles, aal, ...route });
        Object.assign(request, { auth });
      } catch (error) {
        if (!(error instanceof AccessDenied)) throw error;
        return reply.code(error.status).headers(error.headers).send(error.body);
      }
    });
  },
  {
    // What fastify-plugin sets: the hook guards the registering context, not a child of it.
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "@latchkey/node",
  },
);

/** `request.auth`, typed, for a route latchkeyAuth guards; throws on one it does not. */
export function authOf(request: FastifyRequest): Auth {
  const { auth } = request as unknown as { auth: Auth | null };
  if (!auth) throw new Error("this route is not guarded by latchkeyAuth");
  return auth;
}

export type { Auth, AuthOptions, Requirements };
