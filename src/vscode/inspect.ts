/** The inspector's view model for a recent token, with what its connection expects. */
import { connectionUrls, epochSeconds, isRecord } from '../core';
import { type InspectExpectations, inspectorModel } from './model/inspector-model';
import type { InspectorModel } from './model/inspector-protocol';
import type { RecentToken } from './model/tokens';
import { readSettings } from './settings';

export function expectationsFor(token: RecentToken): InspectExpectations {
  const settings = readSettings();
  const connection = settings.connections.find((candidate) => candidate.name === token.connection);
  if (!connection) return token.assertion && isRecord(token.assertion.act) ? { expectedActor: token.assertion.act } : {};
  let urls: ReturnType<typeof connectionUrls> | undefined;
  try {
    urls = connectionUrls(connection);
  } catch {
    urls = undefined;
  }
  const act = token.assertion?.act;
  const checked = token.checked;
  return {
    ...(urls ? { issuer: urls.issuer, tokenEndpoint: urls.tokenEndpoint } : {}),
    ...(connection.apiAudience ? { audience: connection.apiAudience } : {}),
    requiredScopes: token.scopes,
    approvedAgents: [connection.clientId],
    clientId: connection.clientId,
    authMethod: connection.authMethod,
    ...(checked?.humanApproval ? { humanApproval: checked.humanApproval } : {}),
    ...(checked?.humanUnchecked ? { humanUnchecked: checked.humanUnchecked } : {}),
    ...(isRecord(act) ? { expectedActor: act } : {}),
  };
}

export function modelForToken(token: RecentToken): InspectorModel {
  const settings = readSettings();
  return inspectorModel({
    token: token.token,
    tokenId: token.id,
    ...(token.connection ? { connection: token.connection } : {}),
    ...(token.human ? { human: token.human } : {}),
    expectations: expectationsFor(token),
    ...(token.checked ? { verification: token.checked.verification } : {}),
    profile: settings.profile,
    clockSkewSeconds: settings.clockSkewSeconds,
    now: epochSeconds(new Date()),
  });
}
