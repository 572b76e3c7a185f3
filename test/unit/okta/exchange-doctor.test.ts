/** The doctor on the issuance paths: what each guarantees, and token exchange checked end to end against the sandbox. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { passwordGrant } from '../../../src/oauth';
import { type Check, DOCTOR_CHECKS, runDoctor } from '../../../src/okta';
import { defaultSeed } from '../../../src/sandbox';
import { DEFAULT_IDS, type TestOrg, testOrg } from './sandbox-helpers';

let current: TestOrg | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const byId = (checks: Check[], id: string) => checks.find((check) => check.id === id);
const failed = (checks: Check[]) => checks.filter((check) => check.status === 'fail').map((check) => check.id);

/** Alice's own access token from the sandbox (password grant at the sign-in app). */
async function aliceToken(org: TestOrg, scopes: readonly string[] = ['finance.read']): Promise<string> {
  const tokens = await passwordGrant({ tokenEndpoint: org.sandbox.tokenEndpoint, clientId: DEFAULT_IDS.signInClientId, username: DEFAULT_IDS.aliceLogin, password: org.sandbox.userPassword, scopes });
  return tokens.accessToken;
}

describe('doctor: the issuance paths', () => {
  it("names every path the guide's org has and what each guarantees", async () => {
    const org = (current = await testOrg());
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret } });
    assert.deepEqual(failed(checks), []);
    const path = byId(checks, 'act-path');
    assert.equal(path?.title, 'How the human reaches the token');
    assert.match(path?.detail ?? '', /^the guide's claim expression \(clientAssertion\.claims\.act\), which Okta does not document: .*; it carries the agent's word for the human: Okta copies the act the agent wrote, and nobody checks it; and token exchange \(rule Allow Token Exchange\): it carries the human's own sign-in: their access token is the subject, so the agent cannot name anyone else$/);
  });

  it('without token exchange the title stays how act reaches the token', async () => {
    const org = (current = await testOrg());
    await org.api('DELETE', `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.exchangeRuleId}`);
    const checks = await runDoctor({ org: org.org, connection: org.connection });
    assert.equal(byId(checks, 'act-path')?.title, 'How act reaches the token');
    assert.doesNotMatch(byId(checks, 'act-path')?.detail ?? '', /token exchange/);
  });
});

describe('doctor --act-via token-exchange', () => {
  it("passes on the sandbox's org, exchanging Alice's real sign-in as the agent", async () => {
    const org = (current = await testOrg());
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret }, actVia: 'token-exchange', subjectToken: await aliceToken(org) });
    assert.deepEqual(failed(checks), [], JSON.stringify(checks.filter((check) => check.status === 'fail'), null, 1));
    assert.deepEqual(
      checks.map((check) => [check.id, check.status]),
      [
        ['server-exists', 'pass'], ['server-active', 'pass'], ['server-audience', 'pass'], ['scopes', 'pass'], ['app', 'pass'], ['app-service', 'pass'], ['app-grant', 'pass'], ['app-auth-method', 'pass'],
        ['act-path', 'pass'], ['act-claim', 'skip'], ['policy', 'pass'], ['policy-rule', 'skip'], ['exchange-grant', 'pass'], ['exchange-rule', 'pass'],
        ['human', 'pass'], ['human-group', 'pass'], ['exchange-probe', 'pass'], ['exchange-probe-subjects', 'pass'],
      ],
    );
    const order = DOCTOR_CHECKS.map((entry) => entry.id as string);
    const positions = checks.map((check) => order.indexOf(check.id));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), "results come in the table's order");
    assert.equal(byId(checks, 'exchange-probe-subjects')?.detail, `Okta's on-behalf-of shape: the person ${DEFAULT_IDS.alice}, the agent ${DEFAULT_IDS.clientId}`);
    assert.match(byId(checks, 'act-path')?.detail ?? '', /^token exchange \(rule Allow Token Exchange\): it carries the human's own sign-in/);
  });

  it("reads RFC 8693's shape when the server issues it", async () => {
    const org = (current = await testOrg({ seed: defaultSeed({ tokenExchange: 'rfc8693' }) }));
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret }, actVia: 'token-exchange', subjectToken: await aliceToken(org) });
    assert.equal(byId(checks, 'exchange-probe-subjects')?.detail, `RFC 8693's act: the person ${DEFAULT_IDS.alice}, the agent ${DEFAULT_IDS.clientId}`);
  });

  it('the grant missing: the path, the grant and the live exchange fail, each with why and how to fix', async () => {
    const org = (current = await testOrg());
    const path = `/api/v1/apps/${DEFAULT_IDS.clientId}`;
    const app = (await org.api('GET', path)) as { settings: { oauthClient: Record<string, unknown> } };
    await org.api('PUT', path, { ...app, settings: { ...app.settings, oauthClient: { ...app.settings.oauthClient, grant_types: ['client_credentials'] } } });
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret }, actVia: 'token-exchange', subjectToken: await aliceToken(org) });
    assert.deepEqual(failed(checks), ['act-path', 'exchange-grant', 'exchange-probe']);
    const pathCheck = byId(checks, 'act-path');
    assert.equal(pathCheck?.detail, 'the agent app does not have the Token Exchange grant');
    assert.equal(pathCheck?.guideStep, 'Token exchange');
    assert.match(pathCheck?.fix ?? '', /Enable the Token Exchange grant on the agent app/);
    const probe = byId(checks, 'exchange-probe');
    assert.match(probe?.detail ?? '', /unauthorized_client/);
    assert.equal(probe?.why, 'The agent app is not allowed the Token Exchange grant.');
  });

  it('the rule missing, and the probe refused with the reason', async () => {
    const org = (current = await testOrg());
    await org.api('DELETE', `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.exchangeRuleId}`);
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret }, actVia: 'token-exchange', subjectToken: await aliceToken(org) });
    assert.deepEqual(failed(checks), ['act-path', 'exchange-rule', 'exchange-probe']);
    assert.match(byId(checks, 'exchange-rule')?.detail ?? '', /no ACTIVE rule allows token exchange with finance\.read \(rules: Allow Client Credentials with Act\)/);
    assert.match(byId(checks, 'exchange-probe')?.detail ?? '', /access_denied/);
  });

  it('a subject token the server refuses is a failed probe naming why', async () => {
    const org = (current = await testOrg());
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret }, actVia: 'token-exchange', subjectToken: 'not-a-token' });
    assert.deepEqual(failed(checks), ['exchange-probe']);
    assert.match(byId(checks, 'exchange-probe')?.detail ?? '', /'subject_token' is invalid: it is not a JWT/);
    assert.match(byId(checks, 'exchange-probe')?.fix ?? '', /agbac login/);
  });

  it('without a subject token the live exchange is skipped', async () => {
    const org = (current = await testOrg());
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret }, actVia: 'token-exchange' });
    assert.equal(byId(checks, 'exchange-probe')?.status, 'skip');
    assert.match(byId(checks, 'exchange-probe')?.detail ?? '', /agbac login/);
  });
});
