import { createPrivateKey } from "node:crypto";

/**
 * What Latchkey mints Apple's client secret from: Apple takes no fixed secret, but a JWT
 * signed (ES256) with a key made in the developer account (a .p8 file), naming the team
 * and the key ("Creating a client secret", Sign in with Apple REST API).
 */
export interface AppleSigning {
  /** The developer team's id: the JWT's `iss`. */
  readonly teamId: string;
  /** The signing key's id: the JWT header's `kid`. */
  readonly keyId: string;
  /** The .p8 file's PKCS #8 PEM text (an EC P-256 private key). */
  readonly privateKey: string;
}

export type AppleRead =
  | { ok: true; value: AppleSigning }
  | { ok: false; suffix: "TEAM_ID" | "KEY_ID" | "PRIVATE_KEY" | "CLIENT_SECRET"; error: string };

/** Apple's team and key ids are 10 upper-case letters or digits. */
const APPLE_ID = /^[A-Z0-9]{10}$/;

/**
 * OAUTH_APPLE_TEAM_ID, OAUTH_APPLE_KEY_ID and OAUTH_APPLE_PRIVATE_KEY (the .p8 file's text;
 * its line breaks may be written as `\n`, as one-line environments need). The key is parsed
 * here, so a wrong one stops the start rather than the first sign-in; no error quotes it.
 */
export function readAppleSigning(value: (suffix: string) => string | undefined): AppleRead {
  if (value("CLIENT_SECRET") !== undefined) {
    return {
      ok: false,
      suffix: "CLIENT_SECRET",
      error:
        "not used for apple: Latchkey mints Apple's client secret (a JWT) from OAUTH_APPLE_TEAM_ID, OAUTH_APPLE_KEY_ID and OAUTH_APPLE_PRIVATE_KEY",
    };
  }
  const teamId = value("TEAM_ID");
  if (teamId === undefined || !APPLE_ID.test(teamId)) {
    return { ok: false, suffix: "TEAM_ID", error: idProblem(teamId, "your Apple developer team") };
  }
  const keyId = value("KEY_ID");
  if (keyId === undefined || !APPLE_ID.test(keyId)) {
    return { ok: false, suffix: "KEY_ID", error: idProblem(keyId, "the Sign in with Apple key") };
  }
  const raw = value("PRIVATE_KEY");
  if (raw === undefined) {
    return {
      ok: false,
      suffix: "PRIVATE_KEY",
      error: "required for apple: the text of the key's .p8 file (-----BEGIN PRIVATE KEY-----…)",
    };
  }
  const privateKey = raw.replaceAll("\\n", "\n");
  if (!isP256PrivateKey(privateKey)) {
    return {
      ok: false,
      suffix: "PRIVATE_KEY",
      error: "is not a PEM EC P-256 private key (the text of Apple's .p8 file)",
    };
  }
  return { ok: true, value: Object.freeze({ teamId, keyId, privateKey }) };
}

function idProblem(raw: string | undefined, what: string): string {
  return raw === undefined
    ? `required for apple: the 10-character id of ${what}`
    : `must be the 10-character id of ${what} (upper-case letters and digits)`;
}

function isP256PrivateKey(pem: string): boolean {
  try {
    const key = createPrivateKey({ key: pem, format: "pem" });
    return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1";
  } catch {
    return false;
  }
}
