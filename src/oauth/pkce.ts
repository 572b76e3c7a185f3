/** Proof Key for Code Exchange (RFC 7636) with the S256 method, the only one worth sending. */
import { createHash, randomBytes } from 'node:crypto';

export interface Pkce {
  /** 43 base64url characters from 32 random bytes: kept by the client until the token request. */
  readonly verifier: string;
  /** base64url(SHA-256(verifier)): sent with the authorization request. */
  readonly challenge: string;
  readonly method: 'S256';
}

/** A fresh verifier and its S256 challenge. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** The S256 challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
