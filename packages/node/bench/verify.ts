// verifyAccessToken's cost per call with a warm JWKS: the keys fetched once, then every call
// local. A Latchkey-shaped token (EdDSA, at+jwt, the server's claims) and a JWKS served over
// real HTTP on loopback, as a service would see them.
//
//   npx tsx packages/node/bench/verify.ts [calls per round] [rounds]
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createVerifier } from "../src/verify.js";

const CALLS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 25);
const ISSUER = "http://127.0.0.1";
const AUDIENCE = "https://notes.example";

const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "EdDSA", use: "sig" };
let fetches = 0;
const jwks = createServer((_req, res) => {
  fetches += 1;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ keys: [jwk] }));
});
await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;

const token = await new SignJWT({
  email: "reader@notes.example",
  role: "user",
  sid: crypto.randomUUID(),
  aal: "aal1",
  amr: ["pwd"],
  client_id: "latchkey",
  jti: crypto.randomUUID(),
})
  .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: "bench" })
  .setIssuer(ISSUER)
  .setSubject(crypto.randomUUID())
  .setAudience(AUDIENCE)
  .setIssuedAt()
  .setExpirationTime("15m")
  .sign(privateKey);

const verify = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl });
for (let i = 0; i < 500; i += 1) await verify(token); // warm: the JWKS, the JIT

/** Sequential calls, as one request after another: the latency of a call, not throughput. */
const perCall: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const start = performance.now();
  for (let i = 0; i < CALLS; i += 1) await verify(token);
  perCall.push(((performance.now() - start) * 1000) / CALLS);
}
perCall.sort((a, b) => a - b);
const at = (q: number) =>
  perCall[Math.min(perCall.length - 1, Math.floor(q * perCall.length))] ?? 0;
console.log(
  JSON.stringify({
    callsPerRound: CALLS,
    rounds: ROUNDS,
    medianMicroseconds: Number(at(0.5).toFixed(1)),
    minMicroseconds: Number(at(0).toFixed(1)),
    maxMicroseconds: Number(at(1).toFixed(1)),
    jwksFetches: fetches,
    node: process.version,
  }),
);
jwks.close();
