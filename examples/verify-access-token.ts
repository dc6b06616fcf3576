// Verifying a Latchkey access token in another service: no database and no call to
// Latchkey per request, only its published keys (fetched once, cached by jose).
import { createRemoteJWKSet, jwtVerify } from "jose";

export function createVerifier(latchkeyUrl: string, audience: string, issuer = latchkeyUrl) {
  const jwks = createRemoteJWKSet(new URL("/.well-known/jwks.json", latchkeyUrl));
  return async (token: string) => {
    const { payload } = await jwtVerify(token, jwks, {
      issuer, // Latchkey's PUBLIC_URL
      audience, // this service, one of Latchkey's ACCESS_TOKEN_AUDIENCE: no token meant for another
      algorithms: ["EdDSA"], // pinned: never "none", never a switched algorithm
      typ: "at+jwt", // RFC 9068: access tokens only
    });
    return {
      userId: payload.sub,
      email: payload.email,
      role: payload.role,
      session: payload.sid,
      aal: payload.aal, // "aal2" when the session proved two factors
    };
  };
}
