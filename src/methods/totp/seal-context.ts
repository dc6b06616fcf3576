/**
 * What a factor's sealed seed is bound to (the secret box's associated data): a seed copied
 * to another factor's row does not open there.
 */
export function sealContext(factorId: string): string {
  return `mfa_factors:${factorId}:totp`;
}
