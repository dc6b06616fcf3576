import { KeyRing } from "../../crypto/key-ring.js";
import { withStores } from "../open.js";
import { noPositionals } from "../options.js";
import { CliUsageError, type Command } from "../usage.js";

/**
 * Other instances see the new key only when they reload their key ring; until then they
 * sign with the old one, so it stays published this much longer than the token lifetime.
 */
export const ROTATION_MARGIN_SECONDS = 5 * 60;

export const rotateKeysCommand: Command = {
  summary: "start signing with a new key; the old one stays in the JWKS until its tokens expire",
  help: `Usage: latchkey rotate-keys

Generates a new Ed25519 signing key and makes it current. Every older key stops signing
but stays published in /.well-known/jwks.json for ACCESS_TOKEN_TTL plus ${ROTATION_MARGIN_SECONDS / 60} minutes, so
tokens it signed keep verifying until they have expired; purge-expired (or the server's
purge job) removes it afterwards. Prints the new key id (kid) on stdout.

Running servers load keys at start: restart them (one at a time) to sign with the new key.
With JWT_SECRET set, tokens are HS256 with that secret and there are no keys to rotate.`,
  options: {},
  async run({ positionals, config }) {
    noPositionals("rotate-keys", positionals);
    const settings = config();
    if (settings.jwtSecret !== undefined) {
      throw new CliUsageError(
        "JWT_SECRET is set, so access tokens are HS256 with that one secret and there are no keys to rotate; change the secret (signing everyone out) or unset it to use rotating Ed25519 keys",
      );
    }
    return withStores(settings, async (stores) => {
      const now = new Date();
      const ring = await KeyRing.load(stores.keys, now);
      const previous = (await stores.keys.listPublished(now)).filter((key) => !key.retiredAt);
      const retireAfter = settings.accessTokenTtl + ROTATION_MARGIN_SECONDS;
      const kid = await ring.rotate(stores.keys, now, retireAfter);
      const until = new Date(now.getTime() + retireAfter * 1000).toISOString();
      console.log(kid);
      console.error(
        `new signing key ${kid}; ${previous.length} previous key(s) stay in the JWKS until ${until}. Restart running servers to sign with it.`,
      );
      return 0;
    });
  },
};
