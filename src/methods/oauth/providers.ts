import * as client from "openid-client";
import type { OAuthProviderConfig } from "../../config/vars/oauth.js";
import type { Deps } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";
import { appleClientAuth } from "./apple-secret.js";

/**
 * A provider's calls wait at most this long: a provider that is down makes its own sign-in
 * fail with PROVIDER_ERROR, soon, and nothing else.
 */
const PROVIDER_TIMEOUT_MS = 5000;

/** The configured provider of that id, or PROVIDER_NOT_FOUND. */
export function providerOf(deps: Deps, id: string): OAuthProviderConfig {
  const provider = deps.config.oauthProviders.find((candidate) => candidate.id === id);
  if (!provider) throw new AuthError("PROVIDER_NOT_FOUND");
  return provider;
}

export function callbackUrl(deps: Deps, provider: OAuthProviderConfig): string {
  // From PUBLIC_URL, never from the request's Host or X-Forwarded-Host.
  return `${deps.config.publicUrl}/auth/oauth/${provider.id}/callback`;
}

/** Discovered configurations, per server configuration (tests run several in one process). */
const discovered = new WeakMap<object, Map<string, Promise<client.Configuration>>>();

/**
 * The provider's configuration, discovered at first use and kept: a provider that is down
 * at start stops only its own sign-ins, and a failed discovery is tried again next time.
 */
export function configurationOf(
  deps: Deps,
  provider: OAuthProviderConfig,
): Promise<client.Configuration> {
  let cache = discovered.get(deps.config);
  if (!cache) {
    cache = new Map();
    discovered.set(deps.config, cache);
  }
  const known = cache.get(provider.id);
  if (known) return known;
  const pending = discover(provider, deps.clock).catch((error: unknown) => {
    cache.delete(provider.id);
    throw providerError(error);
  });
  cache.set(provider.id, pending);
  return pending;
}

async function discover(
  provider: OAuthProviderConfig,
  clock: () => Date,
): Promise<client.Configuration> {
  const auth = clientAuthOf(provider, clock);
  const insecure = new URL(provider.issuer).protocol === "http:";
  const options: client.DiscoveryRequestOptions = {
    [client.customFetch]: timedFetch,
    // http is accepted only on loopback (config/vars/oauth.ts): local development and tests.
    ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
  };
  if (provider.protocol === "github") return githubConfiguration(provider, auth, insecure);
  const configuration = await client.discovery(
    new URL(provider.issuer),
    provider.clientId,
    undefined,
    auth,
    options,
  );
  // The ID token's signature is checked against the provider's JWKS too, not only trusted
  // for having come over TLS from the token endpoint (issue 17; OIDC Core §3.1.3.7).
  client.enableNonRepudiationChecks(configuration);
  return configuration;
}

/**
 * GitHub speaks OAuth 2.0 without discovery or ID tokens: its endpoints are fixed, and the
 * user is read from its API with the access token (identities.ts of this folder).
 */
function githubConfiguration(
  provider: OAuthProviderConfig,
  auth: client.ClientAuth,
  insecure: boolean,
): client.Configuration {
  const base = provider.issuer;
  const configuration = new client.Configuration(
    {
      issuer: base,
      authorization_endpoint: `${base}/login/oauth/authorize`,
      token_endpoint: `${base}/login/oauth/access_token`,
    },
    provider.clientId,
    undefined,
    auth,
  );
  configuration[client.customFetch] = timedFetch;
  if (insecure) client.allowInsecureRequests(configuration);
  return configuration;
}

function clientAuthOf(provider: OAuthProviderConfig, clock: () => Date): client.ClientAuth {
  if (provider.appleSigning)
    return appleClientAuth(provider.appleSigning, provider.clientId, clock);
  return provider.clientSecret ? client.ClientSecretPost(provider.clientSecret) : client.None();
}

const timedFetch: client.CustomFetch = (url, options) =>
  fetch(url, { ...options, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });

/** Whatever went wrong at the provider, the browser sees PROVIDER_ERROR (never a 5xx). */
export function providerError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  return new AuthError("PROVIDER_ERROR");
}
