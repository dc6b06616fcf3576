import * as client from "openid-client";
import { sha256 } from "../../crypto/digest.js";
import { type ClientContext, clientIp } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";
import { callbackUrl, configurationOf, providerOf } from "./providers.js";
import { allowedRedirect, redirectPrefixes, withParam } from "./redirect.js";

export interface AuthorizationRequest {
  /** Where the app wants the browser back; APP_URL when absent. */
  redirectTo: string | undefined;
  /** The app's own PKCE S256 challenge, checked when it exchanges the code. */
  codeChallenge: string | undefined;
  /** Set when a signed-in user links a provider to their account. */
  linkUserId: string | null;
  client: ClientContext;
}

export interface Authorization {
  /** The provider's authorization URL; the app's, with ?error=PROVIDER_ERROR, when it is down. */
  url: string;
  /** For the browser's state cookie: the callback must come back to the browser that left. */
  state: string | null;
}

/**
 * Starts the authorization code flow with PKCE S256, state and nonce (RFC 9700 §2.1.1,
 * §4.5.3.1): a fresh verifier, state and nonce for every attempt, kept server-side under
 * the state's digest until the callback uses them up.
 */
export async function startAuthorization(
  deps: Deps,
  providerId: string,
  request: AuthorizationRequest,
): Promise<Authorization> {
  const provider = providerOf(deps, providerId);
  // Each start stores a state: the login limit keeps an address from filling the table.
  await deps.limits.hit("login", { ip: clientIp(request.client) });
  const redirectTo = allowedRedirect(
    request.redirectTo ?? deps.config.appUrl,
    redirectPrefixes(deps.config),
  );
  if (redirectTo === null) throw new AuthError("INVALID_REDIRECT");
  let configuration: client.Configuration;
  try {
    configuration = await configurationOf(deps, provider);
  } catch {
    // A provider that is down sends the user back to the app with a code to show, not a 5xx.
    return { url: withParam(redirectTo, "error", "PROVIDER_ERROR"), state: null };
  }

  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  await deps.stores.oauth.createState(
    {
      stateHash: sha256(state),
      provider: provider.id,
      nonce,
      codeVerifier,
      redirectTo,
      appCodeChallenge: request.codeChallenge ?? null,
      linkUserId: request.linkUserId,
    },
    deps.clock(),
  );
  const parameters: Record<string, string> = {
    redirect_uri: callbackUrl(deps, provider),
    scope: provider.scopes.join(" "),
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
  };
  if (provider.protocol === "oidc") parameters.nonce = nonce;
  // Apple answers by a POST from its site; routes.ts turns it into a GET to the callback.
  if (provider.responseMode === "form_post") parameters.response_mode = "form_post";
  return { url: client.buildAuthorizationUrl(configuration, parameters).href, state };
}
