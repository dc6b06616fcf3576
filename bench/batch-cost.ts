import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchStores } from "../src/storage/batching.js";
import { openDatabase } from "../src/storage/database.js";
import { migrateToLatest } from "../src/storage/migrate.js";
import type { RefreshTokenRef } from "../src/storage/ports.js";
import { createStores } from "../src/storage/stores/index.js";
import { createBenchDatabase } from "./database.js";

/**
 * What one refresh-token rotation costs the server process when N arrive together and the
 * batching decorator puts them in one statement: CPU µs per rotation by batch size.
 *   npx tsx bench/batch-cost.ts [postgres://…]     (PGlite in a temporary directory if none)
 * Shows a statement's fixed cost against its per-row cost (BENCHMARKS.md).
 */
const SIZES = [1, 2, 4, 8, 16, 64];
const ROTATIONS_PER_SIZE = 2048;

async function main(): Promise<void> {
  const serverUrl = process.argv[2];
  const dir = await mkdtemp(join(tmpdir(), "latchkey-batch-"));
  const database = serverUrl ? await createBenchDatabase(serverUrl) : undefined;
  const handle = await openDatabase(
    database ? { kind: "postgres", url: database.url } : { kind: "pglite", dir: join(dir, "db") },
  );
  try {
    await migrateToLatest(handle.db);
    const stores = batchStores(createStores(handle.db));
    const now = new Date();
    const user = await stores.users.create({
      id: randomUUID(),
      email: "batch@bench.example.com",
      name: null,
      username: null,
      passwordHash: "unused",
      status: "active",
      role: "user",
      emailVerifiedAt: null,
      now,
    });
    const expiresAt = new Date(now.getTime() + 86_400_000);
    const chains: RefreshTokenRef[] = [];
    for (let i = 0; i < Math.max(...SIZES); i++) {
      const token = { sessionId: randomUUID(), tokenHash: randomUUID() };
      chains.push(token);
      await stores.sessions.create({
        ...{ id: token.sessionId, familyId: randomUUID(), userId: user.id },
        tokenHash: token.tokenHash,
        ...{ familyStartedAt: now, expiresAt, userAgent: "bench", ip: "127.0.0.1", now },
      });
    }
    console.log(`${handle.kind}: CPU of this process per rotation, by rotations per statement`);
    for (const size of SIZES) {
      const rounds = Math.ceil(ROTATIONS_PER_SIZE / size);
      const before = process.cpuUsage();
      for (let round = 0; round < rounds; round++) {
        await Promise.all(
          chains.slice(0, size).map(async (token, i) => {
            const next = { sessionId: randomUUID(), tokenHash: randomUUID() };
            const rotation = await stores.sessions.rotate(token, {
              ...{ id: next.sessionId, tokenHash: next.tokenHash, expiresAt, now: new Date() },
              ...{ userAgent: "bench", ip: "127.0.0.1" },
            });
            if (!rotation) throw new Error("a chain broke");
            chains[i] = next;
          }),
        );
      }
      const used = process.cpuUsage(before);
      const micros = (used.user + used.system) / (rounds * size);
      console.log(`  ${String(size).padStart(2)} at once: ${micros.toFixed(0)} µs`);
    }
  } finally {
    await handle.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
