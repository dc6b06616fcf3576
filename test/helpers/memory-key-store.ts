import type { KeyStore, SigningKeyRecord } from "../../src/storage/ports.js";

/** Just enough KeyStore for the ring's rules; the SQL stores run the shared contract suite. */
export class MemoryKeyStore implements KeyStore {
  rows: SigningKeyRecord[] = [];

  async listPublished(now: Date): Promise<SigningKeyRecord[]> {
    return this.rows
      .filter((r) => r.expiresAt === null || r.expiresAt > now)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((r) => ({ ...r }));
  }

  async insert(key: SigningKeyRecord): Promise<void> {
    if (this.rows.some((r) => r.kid === key.kid)) throw new Error("duplicate kid");
    this.rows.push({ ...key });
  }

  async retireAllExcept(kid: string, now: Date, expiresAt: Date): Promise<void> {
    for (const row of this.rows) {
      if (row.kid !== kid && row.retiredAt === null) {
        row.retiredAt = now;
        row.expiresAt = expiresAt;
      }
    }
  }

  async purgeExpired(now: Date): Promise<number> {
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => r.expiresAt === null || r.expiresAt > now);
    return before - this.rows.length;
  }
}
