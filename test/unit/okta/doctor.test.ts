/** The doctor against the sandbox: all green on the guide's org, and each check red when the org is misconfigured. */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { type Check, DOCTOR_CHECKS, runDoctor, type DoctorOptions } from '../../../src/okta';
import { DEFAULT_IDS, type TestOrg, testOrg } from './sandbox-helpers';

const AS = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}`;
let current: TestOrg | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function doctor(change?: (org: TestOrg) => Promise<unknown>, options: Partial<DoctorOptions> = {}): Promise<{ checks: Check[]; org: TestOrg }> {
  const org = (current = await testOrg());
  await change?.(org);
  const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret }, ...options });
  return { checks, org };
}

/** The failed checks' ids. */
const failed = (checks: Check[]) => checks.filter((check) => check.status === 'fail').map((check) => check.id);

/** Asserts that exactly `id` fails (plus the probe checks it explains), with a why, a fix and a guide step. */
function assertFails(checks: Check[], id: string, extra: string[] = []): Check {
  assert.deepEqual(failed(checks).sort(), [id, ...extra].sort(), JSON.stringify(checks.filter((check) => check.status === 'fail'), null, 1));
  const check = checks.find((candidate) => candidate.id === id);
  assert.ok(check?.why && check.fix && check.guideStep, `${id} explains itself`);
  return check;
}

describe('doctor', () => {
  it('passes every check of the guide\'s org, live probe included', async () => {
    const { checks } = await doctor();
    assert.deepEqual(failed(checks), []);
    assert.deepEqual(
      checks.map((check) => check.id),
      ['server-exists', 'server-active', 'server-audience', 'scopes', 'app', 'app-service', 'app-grant', 'app-auth-method', 'act-path', 'act-claim', 'act-claim-access-token', 'act-claim-expression', 'act-claim-active', 'act-claim-scopes', 'policy', 'policy-rule', 'human', 'human-group', 'probe', 'probe-verify', 'probe-act'],
    );
    const order = DOCTOR_CHECKS.map((entry) => entry.id as string);
    const positions = checks.map((check) => order.indexOf(check.id));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'results come in the table\'s (the guide\'s) order');
    assert.equal(checks.find((check) => check.id === 'human-group')?.title, 'The human is in FinanceUsers');
  });

  it('server-exists: an unknown authorization server, and nothing else is checked', async () => {
    const org = (current = await testOrg());
    const checks = await runDoctor({ org: org.org, connection: { ...org.connection, authServerId: 'ausNOPE' } });
    assertFails(checks, 'server-exists');
    assert.ok(checks.filter((check) => check.id !== 'server-exists').every((check) => check.status === 'skip'));
  });

  it('server-active', async () => {
    const { checks } = await doctor((org) => org.api('POST', `${AS}/lifecycle/deactivate`), { credential: undefined });
    assertFails(checks, 'server-active');
  });

  it('server-audience', async () => {
    const org = (current = await testOrg());
    const checks = await runDoctor({ org: org.org, connection: { ...org.connection, apiAudience: 'https://api.example.com/payroll' } });
    assert.match(assertFails(checks, 'server-audience').detail, /not https:\/\/api\.example\.com\/payroll/);
  });

  it('scopes: a requested scope removed from the server, and the probe fails with invalid_scope', async () => {
    const { checks } = await doctor(async (org) => {
      const scopes = (await org.api('GET', `${AS}/scopes`)) as { id: string; name: string }[];
      const read = scopes.find((scope) => scope.name === 'finance.read');
      await org.api('DELETE', `${AS}/scopes/${read?.id ?? ''}`);
    });
    assertFails(checks, 'scopes', ['probe']);
    assert.match(checks.find((check) => check.id === 'probe')?.detail ?? '', /invalid_scope/);
  });

  it('act-claim: the claim deleted, and the probe explains the missing act', async () => {
    const { checks } = await doctor((org) => org.api('DELETE', `${AS}/claims/${DEFAULT_IDS.actClaimId}`));
    // The org still names the human through token exchange, so the path check passes and says so.
    assertFails(checks, 'act-claim', ['probe-act']);
    assert.match(checks.find((check) => check.id === 'act-path')?.detail ?? '', /^token exchange \(rule Allow Token Exchange\): it carries the human's own sign-in.*; no act claim or token inline hook/);
    assert.match(checks.find((check) => check.id === 'probe-act')?.why ?? '', /clientAssertion\.claims\.act is not in Okta's documented expression language/);
  });

  it('act-path: neither the claim, nor a hook, nor token exchange', async () => {
    const { checks } = await doctor(async (org) => {
      await org.api('DELETE', `${AS}/claims/${DEFAULT_IDS.actClaimId}`);
      await org.api('DELETE', `${AS}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.exchangeRuleId}`);
    });
    assertFails(checks, 'act-claim', ['act-path', 'probe-act']);
    assert.equal(checks.find((check) => check.id === 'act-path')?.title, 'How act reaches the token');
  });

  const claimChanges: [string, Record<string, unknown>, string[]][] = [
    ['act-claim-access-token', { claimType: 'IDENTITY' }, ['probe-act']],
    ['act-claim-expression', { value: 'user.email' }, ['probe-act']],
    ['act-claim-active', { status: 'INACTIVE' }, ['probe-act']],
    ['act-claim-scopes', { conditions: { scopes: ['finance.write'] } }, ['probe-act']],
  ];
  for (const [id, change, extra] of claimChanges) {
    it(`${id}`, async () => {
      const { checks } = await doctor(async (org) => {
        const claim = (await org.api('GET', `${AS}/claims/${DEFAULT_IDS.actClaimId}`)) as Record<string, unknown>;
        await org.api('PUT', `${AS}/claims/${DEFAULT_IDS.actClaimId}`, { ...claim, ...change });
      });
      assertFails(checks, id, extra);
    });
  }

  it('policy: the policy deactivated, and the probe gets access_denied', async () => {
    const { checks } = await doctor((org) => org.api('POST', `${AS}/policies/${DEFAULT_IDS.policyId}/lifecycle/deactivate`));
    assertFails(checks, 'policy', ['probe']);
    assert.match(checks.find((check) => check.id === 'probe')?.detail ?? '', /access_denied/);
  });

  it('policy-rule: the rule no longer allows client credentials', async () => {
    const { checks } = await doctor(async (org) => {
      const path = `${AS}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.ruleId}`;
      const rule = (await org.api('GET', path)) as { conditions: Record<string, unknown> };
      await org.api('PUT', path, { ...rule, conditions: { ...rule.conditions, grantTypes: { include: ['authorization_code'] } } });
    });
    assertFails(checks, 'policy-rule', ['probe']);
  });

  it('app: an unknown client id', async () => {
    const org = (current = await testOrg());
    const checks = await runDoctor({ org: org.org, connection: { ...org.connection, clientId: '0oaUNKNOWN1234567890' } });
    assertFails(checks, 'app', ['policy']);
  });

  const appChanges: [string, (app: AppJson) => AppJson, string[]][] = [
    ['app-service', (app) => ({ ...app, settings: { oauthClient: { ...app.settings.oauthClient, application_type: 'web' } } }), []],
    ['app-grant', (app) => ({ ...app, settings: { oauthClient: { ...app.settings.oauthClient, grant_types: ['authorization_code'] } } }), ['probe']],
    ['app-auth-method', (app) => ({ ...app, credentials: { oauthClient: { ...app.credentials.oauthClient, token_endpoint_auth_method: 'client_secret_post' } } }), ['probe']],
  ];
  for (const [id, change, extra] of appChanges) {
    it(`${id}`, async () => {
      const { checks } = await doctor(async (org) => {
        const app = (await org.api('GET', `/api/v1/apps/${DEFAULT_IDS.clientId}`)) as AppJson;
        await org.api('PUT', `/api/v1/apps/${DEFAULT_IDS.clientId}`, change(app));
      });
      const check = assertFails(checks, id, extra);
      if (id === 'app-auth-method') assert.match(check.why ?? '', /client_secret_post while sending an HS256 assertion/);
    });
  }

  it('app-jwks: private_key_jwt without the agent\'s key registered', async () => {
    const org = (current = await testOrg());
    const pair = await generateKeyPair('RS256', { extractable: true });
    const app = (await org.api('GET', `/api/v1/apps/${DEFAULT_IDS.clientId}`)) as AppJson;
    const otherKey = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)), kid: 'someone-else', alg: 'RS256' };
    await org.api('PUT', `/api/v1/apps/${DEFAULT_IDS.clientId}`, {
      ...app,
      credentials: { oauthClient: { ...app.credentials.oauthClient, token_endpoint_auth_method: 'private_key_jwt' } },
      settings: { oauthClient: { ...app.settings.oauthClient, jwks: { keys: [otherKey] } } },
    });
    const checks = await runDoctor({
      org: org.org,
      connection: { ...org.connection, authMethod: 'private_key_jwt', kid: 'agent-key' },
      credential: { kind: 'private-key', key: await exportJWK(pair.privateKey), kid: 'agent-key' },
    });
    assertFails(checks, 'app-jwks', ['probe']);
    assert.match(checks.find((check) => check.id === 'probe')?.detail ?? '', /kid is invalid/);
  });

  it('human: an unknown user id, and a user who is not ACTIVE', async () => {
    const org = (current = await testOrg());
    const unknown = await runDoctor({ org: org.org, connection: { ...org.connection, humans: [{ id: '00u999999999999999' }] } });
    assertFails(unknown, 'human');
    const staged = (await org.api('POST', '/api/v1/users?activate=false', { profile: { firstName: 'Carol', lastName: 'Staged', email: 'carol@corp.example.com', login: 'carol@corp.example.com' } })) as { id: string };
    const checks = await runDoctor({ org: org.org, connection: { ...org.connection, humans: [{ id: staged.id }] } });
    assert.match(assertFails(checks, 'human', ['human-group']).detail, /STAGED/);
  });

  it('human-group: Alice removed from FinanceUsers', async () => {
    const { checks } = await doctor((org) => org.api('DELETE', `/api/v1/groups/${DEFAULT_IDS.financeGroupId}/users/${DEFAULT_IDS.alice}`));
    assertFails(checks, 'human-group');
  });

  it('probe: a wrong client secret', async () => {
    const { checks } = await doctor(undefined, { credential: { kind: 'secret', secret: 'w'.repeat(64) } });
    const probe = assertFails(checks, 'probe');
    assert.match(probe.detail, /signature is invalid/);
    assert.equal(checks.find((check) => check.id === 'probe-verify')?.status, 'skip');
  });

  it('probe-verify: the connection expects another API audience than the tokens carry', async () => {
    const org = (current = await testOrg());
    await org.api('PUT', AS, { ...((await org.api('GET', AS)) as object), audiences: ['https://api.example.com/other'] });
    const checks = await runDoctor({ org: org.org, connection: org.connection, credential: { kind: 'secret', secret: org.sandbox.clientSecret } });
    assertFails(checks, 'server-audience', ['probe-verify']);
    assert.match(checks.find((check) => check.id === 'probe-verify')?.detail ?? '', /AGBAC104/);
  });
});

interface AppJson {
  credentials: { oauthClient: Record<string, unknown> };
  settings: { oauthClient: Record<string, unknown> };
  [key: string]: unknown;
}
