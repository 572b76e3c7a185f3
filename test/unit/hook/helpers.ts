/** Shared pieces of the hook's tests: Okta's documented request shape, a small org, signed act assertions. */
import type { JWK } from 'jose';
import { buildActAssertion, type JsonRecord, signAssertion, type SigningCredential } from '../../../src/core';
import type { App, Group, OrgApi, User } from '../../../src/okta';
import { DEFAULT_IDS } from '../../../src/sandbox';

/** 2026-01-02T10:00:00Z. */
export const NOW = 1767348000;
export const HOOK_URL = 'https://hook.example.com/okta/token-hook';
export const HOOK_SECRET = 'Hook-Secret-0123456789abcdefghij';
export const CLIENT_SECRET = 'Kq3vN8xR2mT6yW1zB5cF9hJ4lP7sD0gA2eU6iO8rX3wY5tZ1nM4bV7cQ9kL2jH0f';
export const TOKEN_URL = `https://dev-123456.okta.com/oauth2/${DEFAULT_IDS.authServerId}/v1/token`;
export const KEY_AGENT = '0oa999keyagent00000';
export const CAROL = '00u789ghi012rst';

/**
 * A token hook request in the shape of Okta's documented sample (its top-level members and
 * `data.context.request`, `protocol`, `policy` and `data.access`), as Okta sends it for a
 * client_credentials request: no user, session or ID token.
 */
export function oktaRequest(tokenUrl: string, clientId: string = DEFAULT_IDS.clientId): JsonRecord {
  return {
    source: tokenUrl,
    eventId: '3OWo4oo-QQ-rBWfRyTmQYw',
    eventTime: '2026-01-02T10:00:00.000Z',
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: 'com.okta.oauth2.tokens.transform',
    data: {
      context: {
        request: { id: 'reqv66CbCaCStGEFc8AdfS0ng', method: 'POST', url: { value: tokenUrl }, ipAddress: '127.0.0.1' },
        protocol: {
          type: 'OAUTH2.0',
          request: { client_id: clientId, grant_type: 'client_credentials', scope: 'finance.read' },
          issuer: { uri: `https://dev-123456.okta.com/oauth2/${DEFAULT_IDS.authServerId}` },
          client: { id: clientId, name: 'Finance Agent', type: 'CONFIDENTIAL' },
        },
        policy: { id: DEFAULT_IDS.policyId, rule: { id: DEFAULT_IDS.ruleId } },
      },
      access: {
        claims: {
          ver: 1,
          jti: 'AT.W-rrB-z-kkZQmHW0e6VS3Or--QfEN_YvoWJa46A7HAA',
          iss: `https://dev-123456.okta.com/oauth2/${DEFAULT_IDS.authServerId}`,
          aud: DEFAULT_IDS.audience,
          cid: clientId,
          sub: clientId,
          scp: ['finance.read'],
        },
        token: { lifetime: { expiration: 3600 } },
        scopes: { 'finance.read': { id: 'scp123abc456read', action: 'GRANT' } },
      },
    },
  };
}

/** The token URL with an act assertion, as the agent sends it and Okta reports it. */
export function urlWith(assertion: string): string {
  return `${TOKEN_URL}?act_assertion=${encodeURIComponent(assertion)}`;
}

/** A signed act assertion for the default agent and Alice, with overrides (undefined deletes). */
export async function actAssertion(
  overrides: JsonRecord = {},
  credential: SigningCredential = { kind: 'secret', secret: CLIENT_SECRET },
  options: { clientId?: string; alg?: string; human?: string } = {},
): Promise<string> {
  const payload = buildActAssertion({
    clientId: options.clientId ?? DEFAULT_IDS.clientId,
    hookUrl: HOOK_URL,
    human: { id: options.human ?? DEFAULT_IDS.alice },
    now: NOW,
    jti: crypto.randomUUID(),
  });
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete payload[key];
    else payload[key] = value;
  }
  return signAssertion(payload, credential, options.alg ? { alg: options.alg } : {});
}

/** An org of the guide's people and agents, in memory, counting its calls; `failing` makes every call fail. */
export class FakeOrg {
  calls: string[] = [];
  failing = false;
  readonly users = new Map<string, User & { groups: string[] }>([
    [DEFAULT_IDS.alice, { id: DEFAULT_IDS.alice, status: 'ACTIVE', profile: { login: DEFAULT_IDS.aliceLogin, email: DEFAULT_IDS.aliceLogin, firstName: 'Alice', lastName: 'Smith' }, groups: ['Everyone', 'FinanceUsers'] }],
    [DEFAULT_IDS.bob, { id: DEFAULT_IDS.bob, status: 'ACTIVE', profile: { login: DEFAULT_IDS.bobLogin, email: DEFAULT_IDS.bobLogin, firstName: 'Bob', lastName: 'Jones' }, groups: ['Everyone'] }],
    [CAROL, { id: CAROL, status: 'SUSPENDED', profile: { login: 'carol@corp.example.com', firstName: 'Carol', lastName: 'Diaz' }, groups: ['Everyone', 'FinanceUsers'] }],
  ]);
  readonly apps = new Map<string, App>([
    [DEFAULT_IDS.clientId, { id: DEFAULT_IDS.clientId, label: 'Finance Agent', credentials: { oauthClient: { client_id: DEFAULT_IDS.clientId, token_endpoint_auth_method: 'client_secret_jwt' } } }],
  ]);

  registerKeyAgent(keys: JWK[]): void {
    this.apps.set(KEY_AGENT, {
      id: KEY_AGENT,
      label: 'Key Agent',
      credentials: { oauthClient: { client_id: KEY_AGENT, token_endpoint_auth_method: 'private_key_jwt' } },
      settings: { oauthClient: { jwks: { keys } } },
    });
  }

  api(): OrgApi {
    const call = async <T>(name: string, run: () => T): Promise<T> => {
      this.calls.push(name);
      if (this.failing) throw new Error('Okta HTTP 503 E0000009 the Management API is down');
      return run();
    };
    const unused = () => Promise.reject(new Error('not used by the hook'));
    return {
      getApplication: (id) => call('getApplication', () => this.apps.get(id)),
      getUser: (id) => call('getUser', () => {
        const user = this.users.get(id);
        return user ? { id: user.id, status: user.status, profile: user.profile } : undefined;
      }),
      listUserGroups: (id) => call('listUserGroups', () => (this.users.get(id)?.groups ?? []).map((name, index): Group => ({ id: `00g${index}`, profile: { name } }))),
      listAuthorizationServers: unused, getAuthorizationServer: unused, createAuthorizationServer: unused, activateAuthorizationServer: unused,
      listScopes: unused, createScope: unused, listClaims: unused, createClaim: unused, replaceClaim: unused, listPolicies: unused,
      createPolicy: unused, replacePolicy: unused, listRules: unused, createRule: unused, replaceRule: unused, listApplications: unused,
      createApplication: unused, replaceApplication: unused, searchUsers: unused,
      listInlineHooks: unused, getInlineHook: unused, createInlineHook: unused, activateInlineHook: unused, executeInlineHook: unused,
    };
  }
}
