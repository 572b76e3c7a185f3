/** Starting sandboxes for the Okta layer's tests, and changing them through the Management API over HTTP. */
import type { Connection } from '../../../src/core';
import { httpRequest } from '../../../src/oauth';
import { connectOrg, type OrgApi } from '../../../src/okta';
import { DEFAULT_IDS, defaultSeed, type Sandbox, startSandbox, type SandboxOptions } from '../../../src/sandbox';

export { DEFAULT_IDS };

export interface TestOrg {
  readonly sandbox: Sandbox;
  readonly org: OrgApi;
  readonly connection: Connection;
  /** A raw Management API call (SSWS), for changing the org the way an admin would. */
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function testOrg(options: SandboxOptions = {}): Promise<TestOrg> {
  const sandbox = await startSandbox(options);
  const org = await connectOrg({ orgUrl: sandbox.orgUrl, credential: { kind: 'api-token', token: sandbox.apiToken }, ...(sandbox.caPem ? { ca: sandbox.caPem } : {}) });
  const connection: Connection = {
    name: 'sandbox',
    orgUrl: sandbox.orgUrl,
    authServerId: sandbox.authServerId,
    apiAudience: DEFAULT_IDS.audience,
    clientId: sandbox.clientId,
    authMethod: 'client_secret_jwt',
    scopes: ['finance.read'],
    audienceStyle: 'token-endpoint',
    actDelivery: 'assertion',
    humans: [{ id: DEFAULT_IDS.alice, email: 'alice@corp.example.com', name: 'Alice Smith' }],
    group: DEFAULT_IDS.financeGroup,
  };
  return {
    sandbox,
    org,
    connection,
    async api(method, path, body) {
      const response = await httpRequest({
        url: `${sandbox.orgUrl}${path}`,
        method,
        headers: { authorization: `SSWS ${sandbox.apiToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(sandbox.caPem ? { ca: sandbox.caPem } : {}),
      });
      if (response.status >= 400) throw new Error(`${method} ${path}: HTTP ${response.status} ${response.body}`);
      return response.body ? (JSON.parse(response.body) as unknown) : undefined;
    },
    close: () => sandbox.close(),
  };
}

/** An org as Okta creates it: the `default` server, one unrelated app, and the guide's people. */
export function emptyOrgSeed(): Record<string, unknown> {
  const seed = defaultSeed();
  return {
    authorizationServers: [{ id: 'ausdefault00000000', name: 'default', audiences: ['api://default'], status: 'ACTIVE' }],
    apps: [{ label: 'Reporting Portal', credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } }, settings: { oauthClient: { grant_types: ['authorization_code'], application_type: 'web' } } }],
    users: seed.users,
    groups: seed.groups,
  };
}
