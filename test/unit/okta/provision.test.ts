/** Provisioning from an empty org to a passing doctor, and nothing to change the second time. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import type { Connection } from '../../../src/core';
import { findUsers, provision, type ProvisionSpec, runDoctor } from '../../../src/okta';
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
