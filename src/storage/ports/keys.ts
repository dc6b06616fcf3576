export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, string>;
  privateJwk: Record<string, string>;
  createdAt: Date;
  retiredAt: Date | null;
  expiresAt: Date | null;
}

export interface KeyStore {
  /** Keys still published: not expired at `now`, newest first. */
  listPublished(now: Date): Promise<SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  /** Retire every other key: they stop signing and leave the JWKS at expiresAt. */
  retireAllExcept(kid: string, now: Date, expiresAt: Date): Promise<void>;
  purgeExpired(now: Date): Promise<number>;
}
