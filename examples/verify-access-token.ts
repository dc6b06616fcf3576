// Verifying a Latchkey access token in another service, with @latchkey/node: no database and
// no call to Latchkey per request, only its published keys (fetched once and cached, fetched
// again when a rotated key shows up). EdDSA and `typ: at+jwt` only: never "none".
import { createVerifier as latchkeyVerifier } from "@latchkey/node";

export function createVerifier(latchkeyUrl: string, audience: string, issuer = latchkeyUrl) {
  return latchkeyVerifier({
    issuer, // Latchkey's PUBLIC_URL
    audience, // this service, one of Latchkey's ACCESS_TOKEN_AUDIENCE: no token meant for another
    jwksUrl: new URL("/.well-known/jwks.json", latchkeyUrl), // where this service reaches it
  });
  // Resolves to { sub, email, role, aal, amr, sid, exp }; rejects with AccessDenied (401 code
  // UNAUTHORIZED, 403 FORBIDDEN or MFA_REQUIRED for `roles` / `aal: "aal2"` options, 503).
}
