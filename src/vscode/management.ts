/**
 * Okta management for the editor's commands, loaded with `import()` on first use (the Okta SDK
 * chunk among it): never at activation.
 */
import { type Connection } from '../core';
import type { OrgApi } from '../okta/org';
import { UserFacingError } from './command';
import type { ConnectionSecrets } from './secrets';

export type Management = typeof import('../okta/lookup');

/** The Management API pieces (connectOrg, findUsers, runDoctor, provision, oktaDirectory). */
export function management(): Promise<Management> {
  return import('../okta/lookup');
}

/** What Okta's token endpoint errors mean (no SDK behind it). */
export function oktaAdvice(): Promise<typeof import('../okta/advice')> {
  return import('../okta/advice');
}

/** The connection's org through its stored API token, or a clear error saying how to store one. */
export async function orgFor(connection: Connection, secrets: ConnectionSecrets, purpose: string): Promise<OrgApi> {
  const token = await secrets.get(connection, 'apiToken');
  if (!token) {
    throw new UserFacingError(`${purpose} needs a Management API token for "${connection.name}": store one (in Okta: Security → API → Tokens)`, {
      next: [{ title: 'Set API Token', command: 'agbac.setSecret', args: [{ connection: connection.name, kind: 'apiToken' }] }],
    });
  }
  return (await management()).connectOrg({ orgUrl: connection.orgUrl, credential: { kind: 'api-token', token } });
}

/** The OAuth client (token requests, verification): loaded by the first request, not at activation. */
export function oauthClient(): Promise<typeof import('../oauth')> {
  return import('../oauth');
}
