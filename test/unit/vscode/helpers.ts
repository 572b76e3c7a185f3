/** A connection for the editor's model tests (the shared fixtures' org). */
import { type Connection, readConnection } from '../../../src/core';
import { CLIENT_ID, ORG_URL } from '../fixtures';

export function connection(fields: Record<string, unknown> = {}): Connection {
  const read = readConnection({ name: 'Acme', orgUrl: ORG_URL, authServerId: 'aus1b2c3d4e5f6g7h8i9', clientId: CLIENT_ID, scopes: ['finance.read'], ...fields });
  if (!('connection' in read)) throw new Error(read.errors.join('; '));
  return read.connection;
}
