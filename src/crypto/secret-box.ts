import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Secrets the server must read back (a TOTP seed), encrypted at rest. AES-256-GCM: an
 * approved authenticated cipher (OWASP ASVS 5.0 11.3.2); a random 96-bit nonce per message,
 * the size NIST SP 800-38D §8.2 recommends, so a key may seal 2^32 messages before nonce
 * reuse becomes a concern. `context` (the row and purpose a secret belongs to) is bound as
 * associated data: a sealed value copied to another row or purpose does not open.
 */
export interface SecretBox {
  seal(plain: Uint8Array, context: string): string;
  /** Null for anything this key did not seal for this context (or a damaged value). */
  open(sealed: string, context: string): Buffer | null;
}

export const SECRET_BOX_KEY_BYTES = 32;
const VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== SECRET_BOX_KEY_BYTES) {
    throw new Error(`an encryption key is ${SECRET_BOX_KEY_BYTES} bytes, got ${key.length}`);
  }
  return {
    seal(plain, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      const sealed = Buffer.concat([nonce, body, cipher.getAuthTag()]);
      return `${VERSION}.${sealed.toString("base64url")}`;
    },
    open(sealed, context) {
      const [version, payload, extra] = sealed.split(".");
      if (version !== VERSION || payload === undefined || extra !== undefined) return null;
      const bytes = Buffer.from(payload, "base64url");
      if (bytes.length < NONCE_BYTES + TAG_BYTES) return null;
      const nonce = bytes.subarray(0, NONCE_BYTES);
      const tag = bytes.subarray(bytes.length - TAG_BYTES);
      const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        // A wrong key, context or tag: GCM's check failed, which is the answer.
        return null;
      }
    },
  };
}
