/** Reading keys and secrets for signing and verifying from files and the environment. */
import { parsePrivateKeyText, parseVerificationKeysText, type SigningCredential, type VerificationKeys } from '../core';
import { type Io, readInput, secretFromEnv, UsageError } from './common';

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
  const key = parsePrivateKeyText(await readInput(options.key, io), options.key);
  return { kind: 'private-key', key, ...(options.kid ? { kid: options.kid } : {}) };
}

/** Verification keys from a file: a JWKS, a public JWK, or an SPKI PEM. */
export async function keysFromFile(file: string, io: Io): Promise<VerificationKeys> {
  return parseVerificationKeysText(await readInput(file, io), file);
}
