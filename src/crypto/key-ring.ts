import type { CryptoKey, JWK } from "jose";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from "jose";
import type { KeyStore, SigningKeyRecord } from "../storage/ports.js";

export const EDDSA = "EdDSA";

export interface PublicJwks {
  keys: Record<string, string>[];
}

/** One published key, imported once when the ring loads, never per request. */
interface LoadedKey {
  kid: string;
  createdAt: Date;
  retiredAt: Date | null;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

/** Swapped as one object, so a request never sees a signer from one load and keys from another. */
interface RingState {
  keys: ReadonlyMap<string, LoadedKey>;
  signer: LoadedKey;
  jwks: PublicJwks;
}

/**
 * The Ed25519 signing keys kept in the KeyStore. The private JWK is stored as is: the database
 * is the trust boundary here (whoever can read the keys table can already read or rewrite
 * every user row), and keeping keys there is what lets instances share them with no other store.
 *
 * Every instance signs with the newest key that is not retired and verifies with every key
 * still published, so instances that each generated a key at the same first start converge
 * on one signer at their next reload.
 */
export class KeyRing {
  private constructor(
    private readonly store: KeyStore,
    private state: RingState,
  ) {}

  /** Loads the published keys, generating the first one when there is nothing to sign with. */
  static async load(store: KeyStore, now: Date): Promise<KeyRing> {
    return new KeyRing(store, await readState(store, now));
  }

  current(): { kid: string; privateKey: CryptoKey } {
    const { signer } = this.state;
    return { kid: signer.kid, privateKey: signer.privateKey };
  }

  publicKey(kid: string): CryptoKey | null {
    return this.state.keys.get(kid)?.publicKey ?? null;
  }

  /** Built once per load: the JWKS route serves this same object on every request. */
  jwks(): PublicJwks {
    return this.state.jwks;
  }

  /** Re-reads the store: keys added or retired by another instance show up here. */
  async reload(now: Date): Promise<void> {
    this.state = await readState(this.store, now);
  }

  /**
   * Signs with a new key from now on. Older keys stay published, and keep verifying, for
   * retireAfterSeconds: make it outlast the access-token TTL plus the other instances'
   * reload interval. Returns the new kid.
   */
  async rotate(store: KeyStore, now: Date, retireAfterSeconds: number): Promise<string> {
    const record = await generateKey(now);
    await store.insert(record);
    const expiresAt = new Date(now.getTime() + retireAfterSeconds * 1000);
    await store.retireAllExcept(record.kid, now, expiresAt);
    this.state = await readState(store, now);
    return record.kid;
  }
}

async function readState(store: KeyStore, now: Date): Promise<RingState> {
  let records = (await store.listPublished(now)).filter((r) => r.alg === EDDSA);
  if (!records.some((r) => r.retiredAt === null)) {
    // Two instances starting together may both get here and both insert: harmless, each key
    // has its own kid, both stay published and the tie-break below picks one signer.
    await store.insert(await generateKey(now));
    records = (await store.listPublished(now)).filter((r) => r.alg === EDDSA);
  }
  const loaded = await Promise.all(records.map(importKey));
  const signer = loaded.filter((k) => k.retiredAt === null).sort(newestFirst)[0];
  if (!signer) throw new Error("KeyRing: the key store holds no unretired EdDSA key");
  const sorted = [...records].sort((a, b) => compareText(a.kid, b.kid));
  return {
    keys: new Map(loaded.map((k) => [k.kid, k])),
    signer,
    jwks: { keys: sorted.map(toPublicJwk) },
  };
}

async function generateKey(now: Date): Promise<SigningKeyRecord> {
  const pair = await generateKeyPair(EDDSA, { crv: "Ed25519", extractable: true });
  const publicJwk = toStrings(await exportJWK(pair.publicKey));
  const privateJwk = toStrings(await exportJWK(pair.privateKey));
  // RFC 7638 thumbprint: derived from the key itself, so no counter has to be coordinated.
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: EDDSA,
    publicJwk,
    privateJwk,
    createdAt: now,
    retiredAt: null,
    expiresAt: null,
  };
}

async function importKey(record: SigningKeyRecord): Promise<LoadedKey> {
  const publicKey = await importJWK<JWK>(record.publicJwk, EDDSA);
  const privateKey = await importJWK<JWK>(record.privateJwk, EDDSA, { extractable: false });
  if (publicKey instanceof Uint8Array || privateKey instanceof Uint8Array) {
    throw new Error(`KeyRing: key ${record.kid} is not an asymmetric key`);
  }
  return {
    kid: record.kid,
    createdAt: record.createdAt,
    retiredAt: record.retiredAt,
    publicKey,
    privateKey,
  };
}

/** Newest first; the kid breaks ties, so every instance picks the same signer. */
function newestFirst(a: LoadedKey, b: LoadedKey): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || compareText(a.kid, b.kid);
}

/** Code-unit order, unlike localeCompare the same on every machine whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Only the public members, whatever else the row holds: "d" can never reach the JWKS. */
function toPublicJwk(record: SigningKeyRecord): Record<string, string> {
  const { kty = "OKP", crv = "Ed25519", x = "" } = record.publicJwk;
  return { kty, crv, x, kid: record.kid, alg: EDDSA, use: "sig" };
}

function toStrings(jwk: JWK): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(jwk)) {
    if (typeof value === "string") out[name] = value;
  }
  return out;
}
