import { lazily } from "../../process/lazy.js";

/**
 * @simplewebauthn/server, imported at the first passkey ceremony rather than at start: with
 * the certificate parsers it pulls in (@peculiar/x509, asn1js, tsyringe) it is ~900 KB of
 * JavaScript whose source and compiled code stay on the heap for the process's life, and a
 * server whose users never use a passkey pays that in every scenario's peak RSS
 * (BENCHMARKS.md, "Memory (RSS)").
 */
export const webauthn = lazily(() => import("@simplewebauthn/server"));

/** The library's helpers (the client data decoder), loaded with it on first use. */
export const webauthnHelpers = lazily(() => import("@simplewebauthn/server/helpers"));
