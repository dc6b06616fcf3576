import * as client from "openid-client";
import type { OAuthProviderConfig } from "../../config/vars/oauth.js";
import { normalizeEmail } from "../../domain/input-rules.js";
import { AuthError } from "../../errors.js";
import type { Profile } from "./accounts.js";
import type { OAuthState } from "./store-port.js";

/**
 * Redeems the provider's code and reads who signed in. openid-client checks what RFC 9700
 * and OIDC Core ask: the state, our PKCE verifier (at the provider), and the ID token's
 * signature (by the provider's JWKS), iss, aud, exp and nonce. The provider's tokens are
 * used here and dropped: none is stored.
 */
export async function readProfile(
  configuration: client.Configuration,
  provider: OAuthProviderConfig,
  currentUrl: URL,
  state: string,
  flow: OAuthState,
): Promise<Profile> {
  const checks = { pkceCodeVerifier: flow.codeVerifier, expectedState: state };
  try {
    if (provider.protocol === "github") {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, checks);
      return await githubProfile(provider, tokens.access_token);
    }
    const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      ...checks,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new AuthError("PROVIDER_ERROR");
    let { email, email_verified: verified, name } = claims;
    if (email === undefined && configuration.serverMetadata().userinfo_endpoint) {
      // Providers that keep the ID token small (conformIdTokenClaims) answer it here.
      const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      ({ email, email_verified: verified, name } = info);
    }
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email: emailOf(email),
      // Apple sends "true" as a string.
      emailVerified: verified === true || verified === "true",
      name: typeof name === "string" ? name : null,
    };
  } catch (error) {
    throw classify(error);
  }
}

function emailOf(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const email = normalizeEmail(raw);
  return email.ok ? email.value : null;
}

/**
 * A response that does not belong to this browser's request (its nonce is another's: an
 * injected or replayed code, RFC 9700 §4.5) is INVALID_STATE; anything else the provider
 * got wrong, or a provider that is down, is PROVIDER_ERROR.
 */
function classify(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  // openid-client wraps oauth4webapi's error, whose cause names the claim that differed.
  for (let link: unknown = error, depth = 0; link && depth < 4; depth++) {
    const { claim, cause } = link as { claim?: unknown; cause?: unknown };
    if (claim === "nonce") return new AuthError("INVALID_STATE");
    link = cause;
  }
  return new AuthError("PROVIDER_ERROR");
}

interface GithubUser {
  id: number;
  name?: string | null;
  login?: string;
}

interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/** GitHub's API: api.github.com, or /api/v3 under a GitHub Enterprise Server's own URL. */
function githubApi(provider: OAuthProviderConfig): string {
  return provider.issuer === "https://github.com"
    ? "https://api.github.com"
    : `${provider.issuer}/api/v3`;
}

/** GitHub has no ID token: the user and their primary email come from its REST API. */
async function githubProfile(provider: OAuthProviderConfig, accessToken: string): Promise<Profile> {
  const api = githubApi(provider);
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${api}${path}`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: "application/vnd.github+json",
        "user-agent": "latchkey",
      },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new AuthError("PROVIDER_ERROR");
    return (await response.json()) as T;
  };
  const user = await get<GithubUser>("/user");
  if (typeof user.id !== "number") throw new AuthError("PROVIDER_ERROR");
  const emails = await get<GithubEmail[]>("/user/emails");
  const primary = Array.isArray(emails) ? emails.find((entry) => entry.primary) : undefined;
  return {
    issuer: provider.issuer,
    // GitHub's numeric id is stable; a login can be renamed and taken by someone else.
    subject: String(user.id),
    email: emailOf(primary?.email),
    emailVerified: primary?.verified === true,
    name: typeof user.name === "string" ? user.name : null,
  };
}
