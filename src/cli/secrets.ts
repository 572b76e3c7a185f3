/** Secrets for the CLI: read from an environment variable or a file at the moment of use, never from the command line. */
import { readFile } from 'node:fs/promises';
import { AgbacError } from '../core';

/** Where a secret lives. */
export type SecretReference = { readonly source: 'env'; readonly variable: string } | { readonly source: 'file'; readonly path: string };

/** A secret could not be read. The message names where it was looked for, never a value. */
export class SecretError extends AgbacError {
  static override readonly code = 'ERR_SECRET';
  override readonly code = 'ERR_SECRET';
}

/** The secret a reference points at. */
export async function resolveSecret(reference: SecretReference, env: NodeJS.ProcessEnv): Promise<string> {
  if (reference.source === 'env') {
    const value = env[reference.variable];
    if (!value) throw new SecretError(`the environment variable ${reference.variable} is not set or empty`);
    return value;
  }
  let value: string;
  try {
    value = (await readFile(reference.path, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SecretError(`cannot read ${reference.path}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
  }
  if (!value) throw new SecretError(`${reference.path} is empty`);
  return value;
}
