/**
 * Secrets and keys of connections, in VS Code's SecretStorage only (never settings, logs or state).
 * Every value read or stored here is also handed to the log, which blanks it should it ever
 * appear in a line.
 */
import type * as vscode from 'vscode';
import type { Connection } from '../core';
import { log } from './log';
import { isSecretKind, SECRET_KINDS, type SecretKind } from './model/tree';

export { isSecretKind, SECRET_KINDS, type SecretKind };

const KINDS = Object.keys(SECRET_KINDS) as SecretKind[];

export class ConnectionSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private key(connection: Pick<Connection, 'name'>, kind: SecretKind): string {
    return `agbac.connection.${encodeURIComponent(connection.name)}.${kind}`;
  }

  async get(connection: Pick<Connection, 'name'>, kind: SecretKind): Promise<string | undefined> {
    const value = await this.storage.get(this.key(connection, kind));
    if (value) log.hideSecret(value);
    return value;
  }

  async store(connection: Pick<Connection, 'name'>, kind: SecretKind, value: string): Promise<void> {
    log.hideSecret(value);
    await this.storage.store(this.key(connection, kind), value);
  }

  async delete(connection: Pick<Connection, 'name'>, kind: SecretKind): Promise<void> {
    await this.storage.delete(this.key(connection, kind));
  }

  /** The kinds stored for a connection. */
  async present(connection: Pick<Connection, 'name'>): Promise<Set<SecretKind>> {
    const found = await Promise.all(KINDS.map(async (kind) => ((await this.storage.get(this.key(connection, kind))) ? kind : undefined)));
    return new Set(found.filter(isSecretKind));
  }

  /** Moves every secret of a connection to its new name (Rename Connection). */
  async rename(from: string, to: string): Promise<void> {
    for (const kind of KINDS) {
      const value = await this.storage.get(this.key({ name: from }, kind));
      if (value === undefined) continue;
      await this.storage.store(this.key({ name: to }, kind), value);
      await this.storage.delete(this.key({ name: from }, kind));
    }
  }

  /** Removes every secret of a connection (Remove Connection). */
  async deleteAll(name: string): Promise<void> {
    for (const kind of KINDS) await this.storage.delete(this.key({ name }, kind));
  }

  /** Fires when a secret changes (another window may change them too). */
  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return this.storage.onDidChange;
  }
}
