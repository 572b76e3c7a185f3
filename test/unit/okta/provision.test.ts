/** Provisioning from an empty org to a passing doctor, and nothing to change the second time. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:net';
import { type Connection, oktaServerUrls } from '../../../src/core';
import { browserSignIn } from '../../../src/oauth';
import { findUsers, provision, type ProvisionSpec, runDoctor } from '../../../src/okta';
import { completeSignIn } from '../sign-in-driver';
import { DEFAULT_IDS, emptyOrgSeed, type TestOrg, testOrg } from './sandbox-helpers';

let current: TestOrg | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const spec: ProvisionSpec = { audience: DEFAULT_IDS.audience, scopes: ['finance.read'], authMethod: 'client_secret_jwt' };

function connectionFor(org: TestOrg, authServerId: string, clientId: string, extra: Partial<Connection> = {}): Connection {
  return { ...org.connection, authServerId, clientId, ...extra };
}

describe('provision', () => {
  it('plans without changing anything in a dry run', async () => {
    const org = (current = await testOrg({ seed: emptyOrgSeed() }));
    const plan = await provision(org.org, spec, { dryRun: true });
    assert.equal(plan.applied, false);
    assert.deepEqual(plan.changes.map((change) => `${change.action} ${change.target}`), [
      'create server AGBAC-AS', 'create scope finance.read', 'create claim act', 'create app Finance Agent', 'create policy AGBAC-Policy', 'create rule Allow Client Credentials with Act',
    ]);
    assert.deepEqual((await org.org.listAuthorizationServers()).map((server) => server.name), ['default'], 'nothing was created');
  });

  it('takes an empty org to a passing doctor (client_secret_jwt), then has nothing to change', async () => {
    const org = (current = await testOrg({ seed: emptyOrgSeed() }));
    const first = await provision(org.org, spec, { dryRun: false });
    assert.equal(first.changes.length, 6);
    assert.ok(first.authServerId?.startsWith('aus') && first.clientId?.startsWith('0oa'), JSON.stringify(first));
    assert.ok(first.clientSecret && first.clientSecret.length >= 32, 'the new app\'s client secret is handed back');

    const checks = await runDoctor({
      org: org.org,
      connection: connectionFor(org, first.authServerId ?? '', first.clientId ?? ''),
      credential: { kind: 'secret', secret: first.clientSecret ?? '' },
    });
    assert.deepEqual(checks.filter((check) => check.status !== 'pass'), []);

    const second = await provision(org.org, { ...spec, clientId: first.clientId }, { dryRun: false });
    assert.deepEqual(second.changes, []);
    assert.equal(second.authServerId, first.authServerId);
    const third = await provision(org.org, spec, { dryRun: true });
    assert.deepEqual(third.changes, [], 'found by name without ids too');
  });

  it('registers a generated public key for private_key_jwt, and signs with the private key afterwards', async () => {
    const org = (current = await testOrg({ seed: emptyOrgSeed() }));
    const pair = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'agent-2026', alg: 'RS256', use: 'sig' };
    const result = await provision(org.org, { ...spec, authMethod: 'private_key_jwt', publicJwk }, { dryRun: false });
    assert.equal(result.clientSecret, undefined);
    const checks = await runDoctor({
      org: org.org,
      connection: connectionFor(org, result.authServerId ?? '', result.clientId ?? '', { authMethod: 'private_key_jwt', kid: 'agent-2026' }),
      credential: { kind: 'private-key', key: await exportJWK(pair.privateKey), kid: 'agent-2026' },
    });
    assert.deepEqual(checks.filter((check) => check.status !== 'pass'), []);
    assert.deepEqual((await provision(org.org, { ...spec, authMethod: 'private_key_jwt', publicJwk }, { dryRun: true })).changes, []);
  });

  it('repairs a guide-shaped org in place: the app\'s client_secret_post and a wrong claim expression', async () => {
    const org = (current = await testOrg());
    const AS = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}`;
    const app = (await org.api('GET', `/api/v1/apps/${DEFAULT_IDS.clientId}`)) as { credentials: { oauthClient: object } };
    await org.api('PUT', `/api/v1/apps/${DEFAULT_IDS.clientId}`, { ...app, credentials: { oauthClient: { ...app.credentials.oauthClient, token_endpoint_auth_method: 'client_secret_post' } } });
    const claim = (await org.api('GET', `${AS}/claims/${DEFAULT_IDS.actClaimId}`)) as object;
    await org.api('PUT', `${AS}/claims/${DEFAULT_IDS.actClaimId}`, { ...claim, value: 'user.login' });

    const result = await provision(org.org, { ...spec, authServerId: DEFAULT_IDS.authServerId, clientId: DEFAULT_IDS.clientId }, { dryRun: false });
    assert.deepEqual(result.changes.map((change) => `${change.action} ${change.target}`), ['update claim act', 'update app Finance Agent']);
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret } });
    assert.deepEqual(checks.filter((check) => check.status !== 'pass'), []);
  });

  it('notes what it cannot change: a server whose audience differs', async () => {
    const org = (current = await testOrg());
    const result = await provision(org.org, { ...spec, audience: 'https://api.example.com/payroll', authServerId: DEFAULT_IDS.authServerId, clientId: DEFAULT_IDS.clientId }, { dryRun: true });
    assert.deepEqual(result.changes, []);
    assert.match(result.notes[0]?.message ?? '', /audience cannot be changed/);
  });
});

describe('findUsers', () => {
  it('finds the user id by login, by email, and nothing for strangers', async () => {
    const org = (current = await testOrg());
    const byLogin = await findUsers(org.org, 'alice@corp.example.com');
    assert.deepEqual(byLogin.map((user) => [user.id, user.status, user.name]), [[DEFAULT_IDS.alice, 'ACTIVE', 'Alice Smith']]);
    assert.deepEqual(await findUsers(org.org, 'nobody@corp.example.com'), []);
    assert.deepEqual(await findUsers(org.org, 'not-an-email'), []);
  });
});

describe('provision --act-via token-exchange', () => {
  it("takes an empty org to a person's own delegation: she signs in to the new app, the agent exchanges her token, the doctor passes", async () => {
    const org = (current = await testOrg({ seed: emptyOrgSeed() }));
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const exchangeSpec: ProvisionSpec = { ...spec, actVia: 'token-exchange', signIn: { redirectUri } };
    const plan = await provision(org.org, exchangeSpec, { dryRun: true });
    assert.deepEqual(plan.changes.map((change) => `${change.action} ${change.target}`), [
      'create server AGBAC-AS', 'create scope finance.read', 'create app Finance Agent', 'create app AGBAC Sign-In', 'create policy AGBAC-Policy', 'create rule Allow Token Exchange', 'create rule Sign people in',
    ], 'no act claim and no client_credentials rule: the human comes from her own sign-in');
    assert.match(plan.notes.map((note) => note.message).join('\n'), /assign the people who will delegate/);

    const result = await provision(org.org, exchangeSpec, { dryRun: false });
    assert.ok(result.signInClientId?.startsWith('0oa'), JSON.stringify(result));
    assert.equal(result.signInRedirectUri, redirectUri);
    const signInApp = await org.org.getApplication(result.signInClientId ?? '');
    assert.equal(signInApp?.settings?.oauthClient?.application_type, 'native');
    assert.equal(signInApp?.credentials?.oauthClient?.token_endpoint_auth_method, 'none', 'no secret: PKCE');
    assert.deepEqual(signInApp?.settings?.oauthClient?.redirect_uris, [redirectUri]);
    const agentApp = await org.org.getApplication(result.clientId ?? '');
    assert.deepEqual(agentApp?.settings?.oauthClient?.grant_types, ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange']);

    // Alice signs in to the provisioned app through its registered loopback redirect, as the editor and `agbac login` do.
    const urls = oktaServerUrls({ orgUrl: org.sandbox.orgUrl, authServerId: result.authServerId ?? '' });
    const signedIn = browserSignIn({
      authorizationEndpoint: `${urls.issuer}/v1/authorize`,
      tokenEndpoint: urls.tokenEndpoint,
      clientId: result.signInClientId ?? '',
      scopes: ['openid', 'finance.read'],
      redirectUri,
      open: (url) => void completeSignIn(url, { username: DEFAULT_IDS.aliceLogin, password: org.sandbox.userPassword }),
    });
    const tokens = await signedIn;
    const checks = await runDoctor({
      org: org.org,
      connection: connectionFor(org, result.authServerId ?? '', result.clientId ?? '', { actDelivery: 'token-exchange', signInClientId: result.signInClientId ?? '' }),
      credential: { kind: 'secret', secret: result.clientSecret ?? '' },
      actVia: 'token-exchange',
      subjectToken: tokens.accessToken,
    });
    assert.deepEqual(checks.filter((check) => check.status === 'fail'), []);
    assert.equal(checks.find((check) => check.id === 'exchange-probe-subjects')?.status, 'pass');

    const again = await provision(org.org, { ...exchangeSpec, clientId: result.clientId }, { dryRun: true });
    assert.deepEqual(again.changes, [], 'nothing left to change');
  });

  it("adds what an existing org lacks: the agent's grant, the redirect URI, the rules, without touching the rest", async () => {
    const org = (current = await testOrg());
    const agentPath = `/api/v1/apps/${DEFAULT_IDS.clientId}`;
    const agent = (await org.api('GET', agentPath)) as { settings: { oauthClient: Record<string, unknown> } };
    await org.api('PUT', agentPath, { ...agent, settings: { ...agent.settings, oauthClient: { ...agent.settings.oauthClient, grant_types: ['client_credentials'] } } });
    await org.api('DELETE', `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.exchangeRuleId}`);
    const plan = await provision(
      org.org,
      { ...spec, authServerId: DEFAULT_IDS.authServerId, clientId: DEFAULT_IDS.clientId, actVia: 'token-exchange', signIn: { clientId: DEFAULT_IDS.signInClientId, redirectUri: 'http://127.0.0.1:8765/callback' } },
      { dryRun: false },
    );
    assert.deepEqual(plan.changes.map((change) => `${change.action} ${change.target}: ${change.detail}`), [
      'update app Finance Agent: allow token exchange',
      'update app AGBAC Sign-In: register redirect URI http://127.0.0.1:8765/callback',
      'create rule Allow Token Exchange: token exchange, any scope, everyone, 60 min tokens',
    ]);
    assert.equal(plan.signInClientId, DEFAULT_IDS.signInClientId);
  });

  it('a sign-in app that is not native is named in a note and left alone', async () => {
    const org = (current = await testOrg({ seed: emptyOrgSeed() }));
    const web = await org.org.createApplication({ name: 'oidc_client', label: 'Portal', signOnMode: 'OPENID_CONNECT', credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } }, settings: { oauthClient: { grant_types: ['authorization_code'], response_types: ['code'], application_type: 'web', redirect_uris: ['https://portal.example.com/cb'] } } });
    const plan = await provision(org.org, { ...spec, actVia: 'token-exchange', signIn: { clientId: web.id } }, { dryRun: true });
    assert.ok(!plan.changes.some((change) => change.target === 'app Portal'), JSON.stringify(plan.changes));
    assert.match(plan.notes.map((note) => `${note.target}: ${note.message}`).join('\n'), /app Portal: it is a web app; people sign in to a native app/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
