import { KeyRing } from "../../crypto/key-ring.js";
import { withStores } from "../open.js";
import { noPositionals } from "../options.js";
import { CliUsageError, type Command } from "../usage.js";

/** Slack for clocks and for a reload that failed once and succeeded at the next tick. */
export const ROTATION_MARGIN_SECONDS = 5 * 60;

/**
 * How long a retired key stays published. A running instance keeps signing with the old key
 * until its next reload (KEY_RELOAD_INTERVAL), and each token it signs then lives for
 * ACCESS_TOKEN_TTL: the key must outlast both, plus a margin.
 */
export function retireAfterSeconds(config: {
  accessTokenTtl: number;
  keyReloadInterval: number;
}): number {
  return config.accessTokenTtl + config.keyReloadInterval + ROTATION_MARGIN_SECONDS;
}

export const rotateKeysCommand: Command = {
  summary: "sign with a new key; older ones stay published until their tokens expire",
  help: `Usage: latchkey rotate-keys

Generates a new Ed25519 signing key and makes it current. Running servers switch to it at
their next key reload (KEY_RELOAD_INTERVAL, default 30s); no restart is needed. Every older
key stops signing but stays published in /.well-known/jwks.json for ACCESS_TOKEN_TTL +
KEY_RELOAD_INTERVAL + ${ROTATION_MARGIN_SECONDS / 60} minutes, so every token it signed keeps verifying until it has
expired; purge-expired (or the server's purge job) removes it afterwards.
Prints the new key id (kid) on stdout.

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
      const retireAfter = retireAfterSeconds(settings);
      const kid = await ring.rotate(stores.keys, now, retireAfter);
      const until = new Date(now.getTime() + retireAfter * 1000).toISOString();
      console.log(kid);
      console.error(
        `new signing key ${kid}; running servers sign with it within ${settings.keyReloadInterval}s; ${previous.length} previous key(s) stay in the JWKS until ${until}`,
      );
      return 0;
    });
  },
};
