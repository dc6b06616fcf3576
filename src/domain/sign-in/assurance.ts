import type { Assurance, AuthMethod } from "../vocabulary.js";

/** One way the user proved who they are in this sign-in. */
export interface Proof {
  readonly method: AuthMethod;
  /**
   * The authenticator proved two factors by itself: a passkey whose authenticator verified
   * the user (PIN or biometric), a multi-factor cryptographic authenticator in NIST SP
   * 800-63B-4 §3.1.7 terms.
   */
  readonly multiFactor?: boolean;
}

export const PASSWORD: Proof = { method: "pwd" };
/** A reset link or code: possession of the mailbox. */
export const MAILBOX: Proof = { method: "email" };

/**
 * Methods that prove a second, distinct factor beside a password, a mailbox or another
 * provider: something the user has (NIST SP 800-63B-4 §2.2; a recovery code is a look-up
 * secret, §3.1.2).
 */
const SECOND_FACTORS: ReadonlySet<AuthMethod> = new Set(["otp", "recovery_code", "passkey"]);

/**
 * aal2 needs two distinct factors, or one authenticator that is multi-factor by itself
 * (NIST SP 800-63B-4 §2.2); anything less is aal1. A recovery code does not make a second
 * factor beside a mailed reset (Ory Kratos #4317): both are things kept, often in the same
 * place, and whoever holds the mailbox may hold the printed codes too. `amr` lists each
 * method once, in the order proven.
 */
export function assuranceOf(proofs: readonly Proof[]): Assurance {
  if (proofs.length === 0) throw new Error("a session needs at least one proof");
  const amr = [...new Set(proofs.map((proof) => proof.method))];
  const multiFactor =
    proofs.some((proof) => proof.multiFactor === true) ||
    amr.some((second) => SECOND_FACTORS.has(second) && amr.some((first) => pairs(first, second)));
  return { aal: multiFactor ? "aal2" : "aal1", amr };
}

function pairs(first: AuthMethod, second: AuthMethod): boolean {
  if (first === second) return false;
  return !(first === "email" && second === "recovery_code");
}
