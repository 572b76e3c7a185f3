/**
 * Signing client assertions with jose: HS256/384/512 with the client secret
 * (`client_secret_jwt`), RS256/384/512 and ES256/384/512 with a private key (`private_key_jwt`).
 * `alg: none` is never produced.
 */
import { type CryptoKey, importJWK, importPKCS8, type JWK, SignJWT } from 'jose';
import { SigningError, messageOf } from './errors';
import { ASSERTION_ALGORITHMS, type AuthMethod } from './profiles';
import { isRecord, type JsonRecord } from './rules/finding';

/** The credential an assertion is signed with. */
export type SigningCredential =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'private-key'; readonly key: string | JWK; readonly kid?: string };

export interface SignOptions {
  /** Default: HS256 for a secret; from the key type for a private key (RS256, or ES256/384/512 by curve). */
  readonly alg?: string;
}

const HMAC_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/** The auth method a credential implies. */
export function authMethodOf(credential: SigningCredential): AuthMethod {
  return credential.kind === 'secret' ? 'client_secret_jwt' : 'private_key_jwt';
}

/**
 * Signs a payload as a compact JWS with header `{alg, typ: "JWT"[, kid]}`.
 *
 * @example
 * const jwt = await signAssertion(payload, { kind: 'secret', secret: clientSecret });
 * const jwt2 = await signAssertion(payload, { kind: 'private-key', key: pkcs8Pem, kid: 'agent-key-1' }, { alg: 'RS256' });
 */
export async function signAssertion(payload: JsonRecord, credential: SigningCredential, options: SignOptions = {}): Promise<string> {
  if (!isRecord(payload)) throw new SigningError('the payload to sign must be a JSON object');
  const method = authMethodOf(credential);
  if (options.alg !== undefined) assertAlgorithm(options.alg, method);

  if (credential.kind === 'secret') {
    const alg = options.alg ?? 'HS256';
    const secret = new TextEncoder().encode(credential.secret);
    const needed = HMAC_BYTES[alg] ?? 32;
    if (secret.length < needed) {
      throw new SigningError(
        `${alg} needs a secret of at least ${needed} bytes, this one has ${secret.length}; Okta client secrets are 64 characters`,
      );
    }
    return sign(payload, { alg, typ: 'JWT' }, secret);
  }

  const { key, alg } = await importPrivateKey(credential.key, options.alg);
  const kid = credential.kid ?? (typeof credential.key === 'object' ? credential.key.kid : undefined);
  return sign(payload, { alg, typ: 'JWT', ...(kid ? { kid } : {}) }, key);
}

async function sign(payload: JsonRecord, header: { alg: string; typ: string; kid?: string }, key: CryptoKey | Uint8Array): Promise<string> {
  try {
    return await new SignJWT(payload).setProtectedHeader(header).sign(key);
  } catch (error) {
    throw new SigningError(`signing with ${header.alg} failed: ${messageOf(error)}`, { cause: error });
  }
}

function assertAlgorithm(alg: string, method: AuthMethod): void {
  if (alg.toLowerCase() === 'none') throw new SigningError('refusing alg "none": an unsigned assertion proves nothing');
  const allowed = ASSERTION_ALGORITHMS[method];
  if (!allowed.includes(alg)) {
    const credential = method === 'client_secret_jwt' ? 'a client secret' : 'a private key';
    throw new SigningError(`${alg} cannot be used with ${credential}; use one of ${allowed.join(', ')}`);
  }
}

/** Imports a PKCS#8 PEM or JWK private key; infers the algorithm from the key when none is given. */
async function importPrivateKey(input: string | JWK, alg: string | undefined): Promise<{ key: CryptoKey; alg: string }> {
  if (typeof input === 'string') {
    const pem = input.trim();
    // PEM labels: "PRIVATE KEY" is PKCS#8; "RSA PRIVATE KEY" and "EC PRIVATE KEY" are PKCS#1 and SEC1.
    const label = /^-{5}BEGIN ([A-Z ]+)-{5}/.exec(pem)?.[1];
    if (label === 'RSA PRIVATE KEY' || label === 'EC PRIVATE KEY') {
      throw new SigningError(`the key is ${label === 'RSA PRIVATE KEY' ? 'PKCS#1' : 'SEC1'} PEM; convert it to PKCS#8, e.g. openssl pkcs8 -topk8 -nocrypt`);
    }
    if (label !== 'PRIVATE KEY') {
      throw new SigningError('the key must be a PKCS#8 PEM private key (label PRIVATE KEY) or a private JWK');
    }
    for (const candidate of alg ? [alg] : ['RS256', 'ES256', 'ES384', 'ES512']) {
      try {
        return { key: await importPKCS8(pem, candidate), alg: candidate };
      } catch (error) {
        if (alg) throw new SigningError(`the private key cannot sign ${alg}: ${messageOf(error)}`, { cause: error });
      }
    }
    throw new SigningError('the PEM is not an RSA or EC (P-256, P-384, P-521) private key');
  }
  if (!isRecord(input) || typeof input.kty !== 'string') throw new SigningError('the JWK has no "kty"');
  if (input.d === undefined) throw new SigningError('the JWK is a public key; signing needs the private key (with "d")');
  const chosen = alg ?? input.alg ?? defaultAlgorithmForJwk(input);
  try {
    const key = await importJWK({ ...input, alg: chosen }, chosen);
    if (key instanceof Uint8Array) throw new SigningError('a symmetric JWK is not a private key; use the client secret instead');
    return { key, alg: chosen };
  } catch (error) {
    if (error instanceof SigningError) throw error;
    throw new SigningError(`the JWK cannot sign ${chosen}: ${messageOf(error)}`, { cause: error });
  }
}

function defaultAlgorithmForJwk(jwk: JWK): string {
  if (jwk.kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv ?? ''] ?? 'ES256';
  return 'RS256';
}
