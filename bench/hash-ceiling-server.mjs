// The least a password login can be: an HTTP server that reads a JSON body and runs one
// argon2id verify through Latchkey's own hasher, hash queue and thread priorities (dist/),
// and nothing else: no database, no tokens, no framework. bench/hash-ceiling.ts loads it
// like the login scenario; what it reaches is the ceiling for any server on this machine.

import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { build, distUrl, isDistCurrent } from "../scripts/build.mjs";

if (!isDistCurrent()) build();
const { createPasswordHasher } = await import(distUrl("crypto/password.js"));
const { limitHashing } = await import(distUrl("crypto/hash-queue.js"));
const { lowerBackgroundThreads } = await import(distUrl("process/thread-priority.js"));

const params = {
  memoryKib: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
  iterations: Number(process.env.ARGON2_ITERATIONS ?? 2),
};
const cores = availableParallelism();
const hasher = limitHashing(await createPasswordHasher(params), {
  concurrency: cores,
  maxQueue: 64 * cores,
});
const stored = await hasher.hash(process.env.CEILING_PASSWORD ?? "");
if (process.env.LOWER_BACKGROUND_THREADS !== "false") await lowerBackgroundThreads();

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", async () => {
    const { password } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const { ok } = await hasher.verify(stored, password);
    response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    response.end(JSON.stringify({ ok }));
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
