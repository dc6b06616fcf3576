import type { Config } from "../../config/config.js";
import { ok } from "../envelope.js";
import type { App } from "../types.js";

/** Neither is part of the API: left out of the OpenAPI document, like /openapi.json itself. */
const HIDDEN = { schema: { hide: true } } as const;

/**
 * What a person or a browser finds at the server's root: the sign-in page when the
 * hosted pages are on, otherwise a pointer to what the server offers (a JSON 404 there
 * reads as a broken deployment).
 */
export function registerHomeRoutes(app: App, config: Config): void {
  app.get("/", HIDDEN, async (_request, reply) => {
    if (config.pagesEnabled) return reply.redirect("/sign-in", 302);
    return ok("Latchkey authentication API.", {
      docs: "/docs",
      openapi: "/openapi.json",
      jwks: "/.well-known/jwks.json",
      health: "/healthz",
    });
  });
  // Every browser asks for it; there is no icon, and 204 says so without a 404 in its console.
  app.get("/favicon.ico", HIDDEN, async (_request, reply) =>
    reply.header("cache-control", "public, max-age=86400").code(204).send(),
  );
}
