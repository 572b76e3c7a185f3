/** Resolving secret references at the moment of use. */
import { readFile } from 'node:fs/promises';
import { AgbacError } from '../core';
import type { SecretReference } from './connection';

export class SecretError extends AgbacError {
  constructor(message: string) {
    super('ERR_SECRET', message);
  }
}

/** Reads secrets kept in SecretStorage; supplied by the editor. */
export type SecretStore = (key: string) => Promise<string | undefined>;

/**
 * The secret a reference points at. Environment variables and files serve the CLI, SecretStorage
 * the editor. The error names where the secret was looked for, never any value.
 */
export async function resolveSecret(reference: SecretReference, sources: { env?: NodeJS.ProcessEnv; store?: SecretStore } = {}): Promise<string> {
  switch (reference.source) {
    case 'env': {
      const value = (sources.env ?? process.env)[reference.variable];
      if (!value) throw new SecretError(`the environment variable ${reference.variable} is not set or empty`);
      return value;
    }
    case 'file': {
      try {
        const value = (await readFile(reference.path, 'utf8')).trim();
        if (!value) throw new SecretError(`${reference.path} is empty`);
        return value;
      } catch (error) {
        if (error instanceof SecretError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new SecretError(`cannot read ${reference.path}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
      }
    }
    case 'secret-storage': {
      const value = await sources.store?.(reference.key);
      if (!value) throw new SecretError(`no secret is stored for ${reference.key}: set it with "AGBAC: Set Secret or Key"`);
      return value;
    }
  }
}
