/**
 * An authorization server's RS256 signing keys. One key is ACTIVE and signs new tokens; after a
 * rotation the previous key stays published as EXPIRED, so tokens it signed still verify. The
 * JWKS therefore holds one key, or two after the first rotation.
 */
import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, compactVerify, type JWK, SignJWT } from 'jose';

const generateRsa = promisify(generateKeyPair);

export type KeyStatus = 'ACTIVE' | 'EXPIRED';

export interface SigningKey {
  readonly kid: string;
  /** The public key as Okta publishes it: `{kty, alg, kid, use, e, n}`. */
  readonly jwk: JWK;
  readonly status: KeyStatus;
  readonly privateKey: KeyObject;
  /** Seconds since the epoch. */
  readonly created: number;
}

async function newKey(created: number): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const exported = publicKey.export({ format: 'jwk' });
  const { e, n } = exported;
  if (typeof e !== 'string' || typeof n !== 'string') throw new TypeError('the RSA public key did not export as a JWK');
  const kid = await calculateJwkThumbprint({ kty: 'RSA', e, n });
  return { kid, jwk: { kty: 'RSA', alg: 'RS256', kid, use: 'sig', e, n }, status: 'ACTIVE', privateKey, created };
}

/** The signing keys of one authorization server. */
export class KeyRing {
  /** Newest first: the ACTIVE key, then the previous one (EXPIRED) after a rotation. */
  private keys: readonly SigningKey[];
  private rotatedAt: number | undefined;

  private constructor(first: SigningKey) {
    this.keys = [first];
  }

  /** A ring with one fresh 2048-bit RSA key. `now` is in seconds. */
  static async create(now: number): Promise<KeyRing> {
    return new KeyRing(await newKey(now));
  }

  /** The key that signs new tokens. */
  get active(): SigningKey {
    const [active] = this.keys;
    if (!active) throw new TypeError('the key ring is empty');
    return active;
  }

  /** Seconds since the epoch of the last rotation, if any. */
  get lastRotated(): number | undefined {
    return this.rotatedAt;
  }

  /** Every published key, newest first. */
  list(): readonly SigningKey[] {
    return this.keys;
  }

  /** The JWKS document served at `{issuer}/v1/keys`. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => ({ ...key.jwk })) };
  }

  /** Makes a new ACTIVE key; the current one becomes EXPIRED and the one before it is dropped. */
  async rotate(now: number): Promise<void> {
    const next = await newKey(now);
    this.keys = [next, { ...this.active, status: 'EXPIRED' }];
    this.rotatedAt = now;
  }

  /**
   * Whether this ring signed a compact JWT: RS256 with a published key whose `kid` the header
   * names. Checks the signature only; the caller reads and checks the claims.
   */
  async signed(token: string): Promise<boolean> {
    try {
      await compactVerify(
        token,
        (header) => {
          const key = this.keys.find((candidate) => candidate.kid === header.kid);
          if (!key) throw new TypeError('no such key');
          return createPublicKey(key.privateKey);
        },
        { algorithms: ['RS256'] },
      );
      return true;
    } catch {
      return false;
    }
  }

  /** Signs a payload with the active key: header `{kid, alg: "RS256"}` and no `typ`, like Okta. */
  async sign(payload: Record<string, unknown>): Promise<string> {
    const key = this.active;
    return new SignJWT(payload).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey);
  }
}
