import { sha256 } from "../src/crypto/digest.js";
import { createPasswordHasher, type PasswordHashParams } from "../src/crypto/password.js";
import { randomId, randomToken } from "../src/crypto/random.js";
import { createSecretBox } from "../src/crypto/secret-box.js";
import { newRefreshToken } from "../src/domain/refresh-token.js";

import { sealContext } from "../src/methods/totp/seal-context.js";
import type { SecondFactorTables } from "../src/methods/totp/store-port.js";
import { newTotpSecret } from "../src/methods/totp/totp.js";
import { type DatabaseTarget, openDatabase } from "../src/storage/database.js";
import { migrateToLatest } from "../src/storage/migrate.js";
import { toSessionColumns } from "../src/storage/stores/session-rows.js";
import { BENCH_PASSWORD, benchEmail } from "./seed.js";

/** One POST /auth/mfa/verify: a live challenge of a user whose one confirmed factor has `secret`. */
export interface VerifyItem {
  mfaToken: string;
  secret: Buffer;
}

/** One POST /auth/mfa/totp/:factorId/confirm: an unconfirmed factor and a session of its user. */
export interface ConfirmItem {
  factorId: string;
  secret: Buffer;
  /** Exchanged for the access token (POST /auth/refresh) just before the scenario. */
  refreshToken: string;
  accessToken: string | null;
}

export interface MfaSeed {
  verify: VerifyItem[];
  confirm: ConfirmItem[];
  /** When the rows were written: unconfirmed factors can be confirmed for 15 minutes. */
  seededAt: Date;
}

export interface MfaSeedOptions {
  target: DatabaseTarget;
  /** The server's ENCRYPTION_KEY: seeds are sealed with it, as the server would. */
  encryptionKey: Buffer;
  hashParams: PasswordHashParams;
  verifyCount: number;
  confirmCount: number;
}

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table (12). */
const CHUNK = 1000;

/**
 * Writes the second-factor scenarios' accounts straight into the database, before the
 * server opens it (PGlite allows one process at a time; PostgreSQL gets the same path): no
 * argon2 per account, no login per challenge, and nothing of it in the measured runs.
 * Every user is new and has one factor, so no request meets another's replay guard or
 * failure count. Challenges are made as the gate makes them (gate.ts): the SHA-256 of a
 * random mfaToken, proofs {pwd}; they live an hour rather than MFA_TOKEN_TTL so a
 * long run of the other scenarios first does not expire them.
 */
export async function seedMfa(options: MfaSeedOptions): Promise<MfaSeed> {
  const box = createSecretBox(options.encryptionKey);
  const hasher = await createPasswordHasher(options.hashParams);
  const passwordHash = await hasher.hash(BENCH_PASSWORD);
  const now = new Date();
  const challengeExpiry = new Date(now.getTime() + 3600 * 1000);
  const handle = await openDatabase(options.target);
  try {
    await migrateToLatest(handle.db);
    const db = handle.db.withTables<SecondFactorTables>();
    const user = (kind: string, n: number) => ({
      id: randomId(),
      email: benchEmail(kind, n),
      name: null,
      username: null,
      password_hash: passwordHash,
      status: "active" as const,
      role: "user" as const,
      email_verified_at: now,
      created_at: now,
      updated_at: now,
    });
    const factor = (userId: string, secret: Buffer, confirmed: boolean) => {
      const id = randomId();
      return {
        id,
        user_id: userId,
        type: "totp" as const,
        name: null,
        secret_sealed: box.seal(secret, sealContext(id)),
        confirmed_at: confirmed ? now : null,
        last_step: null,
        created_at: now,
        last_used_at: null,
      };
    };

    const verify: VerifyItem[] = [];
    for (let start = 0; start < options.verifyCount; start += CHUNK) {
      const size = Math.min(CHUNK, options.verifyCount - start);
      const users = Array.from({ length: size }, (_, i) => user("mfa-verify", start + i));
      const secrets = users.map(() => newTotpSecret());
      const tokens = users.map(() => randomToken());
      await db.insertInto("users").values(users).execute();
      await db
        .insertInto("mfa_factors")
        .values(users.map((row, i) => factor(row.id, secrets[i] as Buffer, true)))
        .execute();
      await db
        .insertInto("mfa_challenges")
        .values(
          users.map((row, i) => ({
            token_hash: sha256(tokens[i] as string),
            user_id: row.id,
            proofs: ["pwd"],
            ip: null,
            user_agent: null,
            expires_at: challengeExpiry,
            used_at: null,
            created_at: now,
          })),
        )
        .execute();
      users.forEach((_, i) => {
        verify.push({ mfaToken: tokens[i] as string, secret: secrets[i] as Buffer });
      });
    }

    const confirm: ConfirmItem[] = [];
    for (let start = 0; start < options.confirmCount; start += CHUNK) {
      const size = Math.min(CHUNK, options.confirmCount - start);
      const users = Array.from({ length: size }, (_, i) => user("mfa-confirm", start + i));
      const secrets = users.map(() => newTotpSecret());
      const sessionIds = users.map(() => randomId());
      const refreshTokens = sessionIds.map((id) => newRefreshToken(id));
      const factors = users.map((row, i) => factor(row.id, secrets[i] as Buffer, false));
      await db.insertInto("users").values(users).execute();
      await db.insertInto("mfa_factors").values(factors).execute();
      await db
        .insertInto("refresh_sessions")
        .values(
          users.map((row, i) =>
            toSessionColumns({
              id: sessionIds[i] as string,
              familyId: randomId(),
              userId: row.id,
              tokenHash: refreshTokens[i]?.tokenHash ?? "",
              familyStartedAt: now,
              expiresAt: new Date(now.getTime() + 24 * 3600 * 1000),
              userAgent: null,
              ip: null,
              now,
            }),
          ),
        )
        .execute();
      factors.forEach((row, i) => {
        confirm.push({
          factorId: row.id,
          secret: secrets[i] as Buffer,
          refreshToken: refreshTokens[i]?.token ?? "",
          accessToken: null,
        });
      });
    }
    return { verify, confirm, seededAt: now };
  } finally {
    await handle.close();
  }
}

/**
 * Each confirm item's access token, through POST /auth/refresh (a session at aal1, pwd, as a
 * password login gives): cheap next to a login's argon2, and done before the scenario's runs.
 */
export async function mintAccessTokens(baseUrl: string, items: ConfirmItem[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as ConfirmItem;
      const response = await fetch(`${baseUrl}/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refreshToken: item.refreshToken }),
      });
      const body = (await response.json()) as { accessToken?: string };
      if (response.status !== 200 || !body.accessToken) {
        throw new Error(`refreshing a confirm session: ${response.status} ${JSON.stringify(body)}`);
      }
      item.accessToken = body.accessToken;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
