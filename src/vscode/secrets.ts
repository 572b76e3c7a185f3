/** Secrets and keys of connections, in VS Code's SecretStorage only (never settings, logs or state). */
import type * as vscode from 'vscode';
import type { Connection } from '../core';

export const SECRET_KINDS = {
  clientSecret: 'client secret (client_secret_jwt)',
  privateKey: 'private key, PKCS#8 PEM or JWK (private_key_jwt)',
  apiToken: 'Management API token (SSWS)',
} as const;

export type SecretKind = keyof typeof SECRET_KINDS;

export function isSecretKind(value: unknown): value is SecretKind {
  return typeof value === 'string' && value in SECRET_KINDS;
}

export class ConnectionSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private key(connection: Pick<Connection, 'name'>, kind: SecretKind): string {
    return `agbac.connection.${encodeURIComponent(connection.name)}.${kind}`;
  }

  get(connection: Pick<Connection, 'name'>, kind: SecretKind): Thenable<string | undefined> {
    return this.storage.get(this.key(connection, kind));
  }

  store(connection: Pick<Connection, 'name'>, kind: SecretKind, value: string): Thenable<void> {
    return this.storage.store(this.key(connection, kind), value);
  }

  delete(connection: Pick<Connection, 'name'>, kind: SecretKind): Thenable<void> {
    return this.storage.delete(this.key(connection, kind));
  }
}
