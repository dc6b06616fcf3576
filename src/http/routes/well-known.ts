import { Type } from "typebox";
import type { AccessTokens } from "../../crypto/access-tokens.js";
import type { App } from "../types.js";

const Jwks = Type.Object({
  keys: Type.Array(Type.Record(Type.String(), Type.String())),
});

export function registerWellKnownRoutes(app: App, tokens: AccessTokens): void {
  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        tags: ["tokens"],
        summary: "Public keys that verify access tokens (RFC 7517)",
        response: { 200: Jwks },
      },
    },
    async (_request, reply) => {
      // Verifiers may cache briefly; rotation keeps old keys published past this.
      reply.header("cache-control", "public, max-age=300");
      return tokens.jwks();
    },
  );
}
