/** Reading keys and secrets for signing and verifying from files and the environment. */
import { type JWK } from 'jose';
import { isRecord, type SigningCredential, type VerificationKeys } from '../core';
import { CommandError, type Io, readInput, secretFromEnv, UsageError } from './common';

/** `--secret-env VAR` or `--key FILE [--kid KID]`: exactly one. */
export async function signingCredential(
  options: { secretEnv?: string | undefined; key?: string | undefined; kid?: string | undefined; secretFlag?: string },
  io: Io,
): Promise<SigningCredential> {
  const flag = options.secretFlag ?? 'secret';
  if (options.secretEnv && options.key) throw new UsageError(`give either a client secret (--${flag}-env) or a private key (--key), not both`);
  if (options.secretEnv) {
    if (options.kid) throw new UsageError('--kid goes with --key (a client secret has no key id)');
    return { kind: 'secret', secret: secretFromEnv(options.secretEnv, io, flag) };
  }
  if (!options.key) throw new UsageError(`give the signing credential: --${flag}-env VAR or --key FILE`);
  const text = (await readInput(options.key, io)).trim();
  const key = text.startsWith('{') ? parseJwk(text, options.key) : text;
  return { kind: 'private-key', key, ...(options.kid ? { kid: options.kid } : {}) };
}

function parseJwk(text: string, file: string): JWK {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CommandError(`${file} is neither a PEM key nor valid JSON`);
  }
  if (!isRecord(value) || typeof value.kty !== 'string') throw new CommandError(`${file} is JSON but not a JWK (no "kty")`);
  return value;
}

/** Verification keys from a file: a JWKS, a public JWK, or an SPKI PEM. */
export async function keysFromFile(file: string, io: Io): Promise<VerificationKeys> {
  const text = (await readInput(file, io)).trim();
  if (text.startsWith('-----BEGIN')) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CommandError(`${file} is neither a PEM public key nor JSON`);
  }
  if (isRecord(value) && (Array.isArray(value.keys) || typeof value.kty === 'string')) return value;
  throw new CommandError(`${file} is JSON but neither a JWKS ({"keys": [...]}) nor a JWK`);
}
