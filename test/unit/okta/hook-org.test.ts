/**
 * A real org's hook path, against the sandbox with the real hook service in-process: provisioning
 * registers, activates and attaches it (plan first, idempotent), and the doctor checks it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createHookApp, type HookServer, serveHook } from '../../../src/hook';
import { type Check, provision, type ProvisionSpec, runDoctor } from '../../../src/okta';
import { emptyOrgSeed } from './sandbox-helpers';
import { DEFAULT_IDS, type TestOrg, testOrg } from './sandbox-helpers';

const HOOK_SECRET = 'shared-between-okta-and-hook-0123';
const RULE = `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.ruleId}`;

let org: TestOrg | undefined;
let hook: HookServer | undefined;
afterEach(async () => {
  await hook?.close();
  await org?.close();
  hook = undefined;
  org = undefined;
});

/** The guide's org and the hook service in front of it (not yet registered). */
async function setUp(): Promise<{ org: TestOrg; hook: HookServer }> {
  org = await testOrg();
  const current = org;
  hook = await serveHook({
    handler: (hookUrl) =>
      createHookApp({ hookUrl, authentication: [{ kind: 'header', secret: HOOK_SECRET }], org: current.org, clientSecret: current.sandbox.clientSecret, group: DEFAULT_IDS.financeGroup }),
  });
  return { org, hook };
}

function hookSpec(url: string, secret: string | null = HOOK_SECRET): ProvisionSpec {
  return {
    authServerId: DEFAULT_IDS.authServerId,
    clientId: DEFAULT_IDS.clientId,
    audience: DEFAULT_IDS.audience,
    scopes: ['finance.read'],
    authMethod: 'client_secret_jwt',
    actVia: 'hook',
    hook: { url, ...(secret !== null ? { secret } : {}) },
  };
}

const byId = (checks: Check[], id: string) => checks.find((check) => check.id === id);
const failedIds = (checks: Check[]) => checks.filter((check) => check.status === 'fail').map((check) => check.id);

describe('provision --act-via hook', () => {
  it('plans the hook, registers it ACTIVE and attaches it to the rule, then has nothing to do', async () => {
    const { org, hook } = await setUp();
    const plan = await provision(org.org, hookSpec(hook.url), { dryRun: true });
    assert.deepEqual(plan.changes.map((change) => `${change.action} ${change.target}`), ['create inline hook AGBAC act hook', 'update rule Allow Client Credentials with Act']);
    assert.deepEqual(await org.api('GET', '/api/v1/inlineHooks'), [], 'a dry run registers nothing');

    const applied = await provision(org.org, hookSpec(hook.url), { dryRun: false });
    assert.equal(applied.hookRegistered, true);
    assert.match(applied.hookId ?? '', /^cal/);
    const registered = (await org.api('GET', `/api/v1/inlineHooks/${applied.hookId ?? ''}`)) as { status: string; channel: { config: { uri: string } } };
    assert.equal(registered.status, 'ACTIVE');
    assert.equal(registered.channel.config.uri, hook.url);
    const rule = (await org.api('GET', RULE)) as { actions: { token: { inlineHook?: { id: string } } } };
    assert.deepEqual(rule.actions.token.inlineHook, { id: applied.hookId });

    const again = await provision(org.org, hookSpec(hook.url, null), { dryRun: false });
    assert.deepEqual(again.changes, []);
    assert.equal(again.hookId, applied.hookId);
  });

  it('activates an INACTIVE hook it finds by URL, and needs the secret only to register a new one', async () => {
    const { org, hook } = await setUp();
    const { hookId } = await provision(org.org, hookSpec(hook.url), { dryRun: false });
    await org.api('POST', `/api/v1/inlineHooks/${hookId ?? ''}/lifecycle/deactivate`);
    const plan = await provision(org.org, hookSpec(hook.url, null), { dryRun: false });
    assert.deepEqual(plan.changes.map((change) => `${change.action} ${change.target}`), ['activate inline hook AGBAC act hook']);
    await assert.rejects(provision(org.org, hookSpec('https://elsewhere.example.com/hook', null), { dryRun: true }), /needs the Authorization secret/);
  });

  it('creates the rule running the hook in an empty org, without the guide\'s act claim', async () => {
    org = await testOrg({ seed: emptyOrgSeed() });
    const plan = await provision(org.org, { ...hookSpec('https://hook.example.com/okta'), authServerId: undefined, clientId: undefined }, { dryRun: false });
    assert.deepEqual(plan.changes.map((change) => `${change.action} ${change.target}`), [
      'create server AGBAC-AS', 'create scope finance.read', 'create app Finance Agent', 'create policy AGBAC-Policy', 'create inline hook AGBAC act hook', 'create rule Allow Client Credentials with Act',
    ]);
    const server = plan.authServerId ?? '';
    assert.deepEqual(await org.org.listClaims(server), []);
    const [policy] = await org.org.listPolicies(server);
    const [rule] = await org.org.listRules(server, policy?.id ?? '');
    assert.equal(rule?.actions?.token?.inlineHook?.id, plan.hookId);
  });
});

describe('doctor with a token inline hook', () => {
  async function provisioned() {
    const { org, hook } = await setUp();
    // The hook path only: the guide's claim goes, so act can come from nothing but the hook.
    await org.api('DELETE', `/api/v1/authorizationServers/${DEFAULT_IDS.authServerId}/claims/${DEFAULT_IDS.actClaimId}`);
    const { hookId } = await provision(org.org, hookSpec(hook.url), { dryRun: false });
    const doctor = (options: { credential?: boolean; hookUrl?: string; actVia?: 'hook' } = {}) =>
      runDoctor({
        org: org.org,
        connection: org.connection,
        ...(options.credential === false ? {} : { credential: { kind: 'secret' as const, secret: org.sandbox.clientSecret } }),
        ...(options.hookUrl ? { hookUrl: options.hookUrl } : {}),
        ...(options.actVia ? { actVia: options.actVia } : {}),
      });
    return { org, hook, hookId: hookId ?? '', doctor };
  }

  it('passes every check, says the org uses the hook and that hooks fail open, and gets act through the live probe', async () => {
    const { doctor, hook } = await provisioned();
    const checks = await doctor();
    assert.deepEqual(failedIds(checks), [], JSON.stringify(checks.filter((check) => check.status === 'fail')));
    assert.deepEqual(checks.map((check) => check.id).filter((id) => /^(act|hook|probe)/.test(id)), ['act-path', 'act-claim', 'hook-registered', 'hook-active', 'hook-attached', 'hook-execute', 'probe', 'probe-verify', 'hook-probe-act']);
    assert.match(byId(checks, 'act-path')?.detail ?? '', new RegExp(`^the token inline hook AGBAC act hook \\(${hook.url.replace(/[.:/]/g, '\\$&')}\\); hooks fail open: Okta issues the token without act`));
    assert.equal(byId(checks, 'act-claim')?.status, 'skip');
    assert.equal(byId(checks, 'hook-execute')?.detail, `a patch adding act for ${DEFAULT_IDS.alice}`);
    assert.equal(byId(checks, 'hook-probe-act')?.detail, `act.sub ${DEFAULT_IDS.alice}`);
  });

  it('without the agent credential, execute must answer a well-formed error', async () => {
    const { doctor } = await provisioned();
    const checks = await doctor({ credential: false });
    assert.equal(byId(checks, 'hook-execute')?.status, 'pass');
    assert.match(byId(checks, 'hook-execute')?.detail ?? '', /^a well-formed error for a request without an act assertion \("The token request carries no act assertion/);
  });

  it('hook-active and hook-execute: a deactivated hook is never called, and the token comes without act', async () => {
    const { doctor, org, hookId } = await provisioned();
    await org.api('POST', `/api/v1/inlineHooks/${hookId}/lifecycle/deactivate`);
    const checks = await doctor();
    assert.deepEqual(failedIds(checks), ['hook-active', 'hook-probe-act']);
    assert.equal(byId(checks, 'hook-execute')?.status, 'skip');
    assert.ok(byId(checks, 'hook-active')?.fix?.includes('Activate AGBAC act hook'));
    assert.match(byId(checks, 'hook-probe-act')?.why ?? '', /Hooks fail open/);
  });

  it('hook-execute: the service down fails execute, and the live probe gets a token without act (fail open)', async () => {
    const fixture = await provisioned();
    await fixture.hook.close();
    const checks = await fixture.doctor();
    assert.ok(failedIds(checks).includes('hook-execute'), JSON.stringify(failedIds(checks)));
    assert.match(byId(checks, 'hook-execute')?.detail ?? '', /^Okta could not execute the hook: .*E0000001/);
    assert.equal(byId(checks, 'probe')?.status, 'pass', 'Okta issued the token anyway');
    assert.equal(byId(checks, 'hook-probe-act')?.status, 'fail');
  });

  it('hook-attached: a hook registered at the URL that no rule runs', async () => {
    const { doctor, org, hook } = await provisioned();
    const rule = (await org.api('GET', RULE)) as { actions: { token: Record<string, unknown> } };
    delete rule.actions.token.inlineHook;
    await org.api('PUT', RULE, rule);
    const checks = await doctor({ hookUrl: hook.url });
    assert.ok(failedIds(checks).includes('hook-attached'));
    assert.match(byId(checks, 'hook-attached')?.detail ?? '', /runs no inline hook/);
    assert.match(byId(checks, 'hook-attached')?.fix ?? '', /Edit rule Allow Client Credentials with Act: "Use this inline hook" → AGBAC act hook/);
  });

  it('hook-registered: asked for a hook the org does not have', async () => {
    org = await testOrg();
    const checks = await runDoctor({ org: org.org, connection: org.connection, actVia: 'hook', hookUrl: 'https://hook.example.com/none' });
    assert.equal(byId(checks, 'act-path')?.status, 'fail');
    assert.equal(byId(checks, 'hook-registered')?.status, 'fail');
    assert.equal(byId(checks, 'hook-registered')?.detail, 'no token inline hook is registered at https://hook.example.com/none');
  });
});
