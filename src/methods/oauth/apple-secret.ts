import { createPrivateKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import type * as client from "openid-client";
import type { AppleSigning } from "../../config/vars/apple.js";

/** The `aud` Apple requires of a client secret, whatever its endpoints' addresses. */
export const APPLE_AUDIENCE = "https://appleid.apple.com";

/**
 * Apple allows up to six months (15,777,000 s). An hour keeps a secret seen in a proxy's or
 * provider's log worth little; minting one costs a single ES256 signature.
 */
export const APPLE_SECRET_LIFETIME_S = 3600;
/** Made again this long before it expires, so a slow token request never carries a dead one. */
const REMINT_MARGIN_S = 600;

/**
 * client_secret_post with Apple's client secret: a JWT (ES256, kid = the key's id) with
 * iss = the team, sub = the client (services) id, aud = Apple, iat and exp, minted by jose
 * and kept until it is near expiry ("Creating a client secret", Sign in with Apple REST API).
 */
export function appleClientAuth(
  signing: AppleSigning,
  clientId: string,
  clock: () => Date,
): client.ClientAuth {
  const key: KeyObject = createPrivateKey(signing.privateKey);
  let current: { jwt: string; exp: number } | null = null;

  const secret = async (): Promise<string> => {
    const now = Math.floor(clock().getTime() / 1000);
    if (current && current.exp - now > REMINT_MARGIN_S) return current.jwt;
    const exp = now + APPLE_SECRET_LIFETIME_S;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: signing.keyId })
      .setIssuer(signing.teamId)
      .setSubject(clientId)
      .setAudience(APPLE_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key);
    current = { jwt, exp };
    return jwt;
  };

  // openid-client (oauth4webapi) awaits the client authentication before sending the request.
  return async (_server, _client, body) => {
    body.set("client_id", clientId);
    body.set("client_secret", await secret());
  };
}
