import { safeEqual, sha256 } from "../../crypto/digest.js";
import { randomToken } from "../../crypto/random.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";
import { linkIdentity, type Outcome, signInIdentity } from "./accounts.js";
import { appleUserName } from "./form-post.js";
import { readProfile } from "./profile.js";
import { callbackUrl, configurationOf } from "./providers.js";
import { withParam } from "./redirect.js";

/**
 * The provider's answer, turned into where the browser goes next: the app's redirectTo with
 * `?code=` (one use, 60 s), `?linked=<provider>` after a link, or `?error=CODE`. It never
 * throws: whatever goes wrong, the user lands back at the app with a code to show.
 */
export async function finishCallback(
  deps: Deps,
  providerId: string,
  query: string,
  cookieState: string | undefined,
  client: ClientContext,
): Promise<string> {
  const home = deps.config.appUrl;
  const provider = deps.config.oauthProviders.find((candidate) => candidate.id === providerId);
  if (!provider) return withParam(home, "error", "PROVIDER_NOT_FOUND");
  const params = new URLSearchParams(query);
  const state = params.get("state");
  // The state must come back to the browser it left from (its cookie): a callback carried
  // to another browser is a login CSRF or an injected code (RFC 9700 §4.7, §4.5).
  if (!state || !cookieState || !safeEqual(state, cookieState)) {
    return failed(deps, home, "INVALID_STATE", provider.id, client);
  }
  const flow = await deps.stores.oauth.consumeState(sha256(state), provider.id, deps.clock());
  if (!flow) return failed(deps, home, "INVALID_STATE", provider.id, client);

  let outcome: Outcome;
  try {
    const configuration = await configurationOf(deps, provider);
    const currentUrl = new URL(`${callbackUrl(deps, provider)}?${params}`);
    const read = await readProfile(configuration, provider, currentUrl, state, flow);
    const profile =
      provider.responseMode === "form_post" && read.name === null
        ? { ...read, name: appleUserName(params.get("user")) }
        : read;
    outcome = flow.linkUserId
      ? await linkIdentity(deps, provider, profile, flow.linkUserId, client)
      : await signInIdentity(deps, provider, profile, client);
  } catch (error) {
    const code = error instanceof AuthError ? error.code : "PROVIDER_ERROR";
    return failed(deps, flow.redirectTo, code, provider.id, client);
  }
  if ("error" in outcome) return failed(deps, flow.redirectTo, outcome.error, provider.id, client);
  await deps.audit({
    type: "oauth.sign_in",
    outcome: "success",
    userId: outcome.userId,
    client,
    details: { provider: provider.id, result: outcome.result },
  });
  if (flow.linkUserId) return withParam(flow.redirectTo, "linked", provider.id);

  // 256 random bits, stored as SHA-256, used once, for 60 s: the app's code (RFC 6749 §10.5).
  const code = randomToken(32);
  await deps.stores.oauth.createGrant(
    sha256(code),
    { userId: outcome.userId, appCodeChallenge: flow.appCodeChallenge },
    deps.clock(),
  );
  return withParam(flow.redirectTo, "code", code);
}

async function failed(
  deps: Deps,
  target: string,
  code: string,
  provider: string,
  client: ClientContext,
): Promise<string> {
  await deps.audit({
    type: "oauth.failure",
    outcome: "failure",
    client,
    details: { provider, code },
  });
  return withParam(target, "error", code);
}
