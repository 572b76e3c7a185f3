/** Secrets for the CLI: read from an environment variable or a file at the moment of use, never from the command line. */
import { InputFileError, readTextFile } from './common';
import { AgbacError, escapeControls } from '../core';

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
    // The name is not repeated: a secret typed where the name belongs must not be printed.
    const value = env[reference.variable];
    if (!value) throw new SecretError('an environment variable given for a secret is not set or empty');
    return value;
  }
  let value: string;
  try {
    value = (await readTextFile(reference.path)).trim();
  } catch (error) {
    if (error instanceof InputFileError) throw new SecretError(error.message, { cause: error });
    throw error;
  }
  if (!value) throw new SecretError(`${escapeControls(reference.path)} is empty`);
  return value;
}
