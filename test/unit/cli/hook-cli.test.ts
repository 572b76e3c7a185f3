/**
 * `act` through a token inline hook, end to end through the public commands: `agbac hook serve`
 * in front of the sandbox, `agbac token --act-via hook`, `agbac verify`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { buildActAssertion, buildAssertion, type JsonRecord, signAssertion } from '../../../src/core';
import { DEFAULT_IDS, defaultSeed, type Sandbox, startSandbox } from '../../../src/sandbox';
import { addClaim, type FakeHook, fakeHook } from '../sandbox/hook-server';
import { startHook, type HookProcess } from './hook-process';
import { agbac, ROOT } from './run-cli';

const HOOK_SECRET = 'okta-calls-the-hook-with-this-0123';
const CAROL = '00u789ghi012rst';

before(() => {
  assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0, 'build');
});

/** The guide's org with one more person: Carol, SUSPENDED, in FinanceUsers. */
function seed(): Record<string, unknown> {
  const document = defaultSeed();
  (document.users as unknown[]).push({ id: CAROL, status: 'SUSPENDED', profile: { firstName: 'Carol', lastName: 'Diaz', email: 'carol@corp.example.com' } });
  (document.groups as { members: string[] }[])[0]?.members.push(CAROL);
  return document;
}

/** Registers a hook and attaches it to the guide's rule through the Management API, as a script for Okta would. */
async function attachHook(sandbox: Sandbox, uri: string): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.orgUrl}${path}`, {
      method,
      headers: { authorization: `SSWS ${sandbox.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.ok(response.status < 300, `${method} ${path}: ${response.status}`);
    return (await response.json()) as JsonRecord;
  };
  const hook = await call('POST', '/api/v1/inlineHooks', {
    name: `act hook ${crypto.randomUUID()}`,
    type: 'com.okta.oauth2.tokens.transform',
    version: '1.0.0',
    channel: { type: 'HTTP', version: '1.0.0', config: { uri, authScheme: { type: 'HEADER', key: 'Authorization', value: HOOK_SECRET } } },
  });
  const path = `/api/v1/authorizationServers/${sandbox.authServerId}/policies/${DEFAULT_IDS.policyId}/rules/${DEFAULT_IDS.ruleId}`;
  const rule = await call('GET', path);
  await call('PUT', path, { ...rule, actions: { token: { ...(rule.actions as { token: JsonRecord }).token, inlineHook: { id: hook.id } } } });
}

/** A token request with a fresh client assertion and the given act assertion on the URL, in-process. */
async function requestWith(sandbox: Sandbox, actAssertion: string): Promise<{ status: number; body: JsonRecord }> {
  const client = buildAssertion({ clientId: sandbox.clientId, tokenEndpoint: sandbox.tokenEndpoint, now: Math.floor(Date.now() / 1000), jti: crypto.randomUUID() });
  const response = await fetch(`${sandbox.tokenEndpoint}?act_assertion=${encodeURIComponent(actAssertion)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'finance.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await signAssertion(client, { kind: 'secret', secret: sandbox.clientSecret }),
    }).toString(),
  });
  return { status: response.status, body: (await response.json()) as JsonRecord };
}

describe('act through a token inline hook (agbac hook serve, agbac token --act-via hook)', () => {
  let sandbox: Sandbox;
  let hook: HookProcess;
  let env: Record<string, string>;
  const actAssertion = (hookUrl: string, overrides: JsonRecord = {}, secret = sandbox.clientSecret) => {
    const payload = buildActAssertion({ clientId: sandbox.clientId, hookUrl, human: { id: DEFAULT_IDS.alice }, now: Math.floor(Date.now() / 1000), jti: crypto.randomUUID() });
    return signAssertion({ ...payload, ...overrides }, { kind: 'secret', secret });
  };
  const tokenArgs = (human: string) => [
    'token', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET',
    '--scope', 'finance.read', '--act-sub', human, '--act-via', 'hook', '--hook-url', hook.url,
  ];
  const verify = (token: string) =>
    agbac(['verify', token, '--issuer', sandbox.issuer, '--audience', DEFAULT_IDS.audience, '--scope', 'finance.read', '--agent', sandbox.clientId, '--group', DEFAULT_IDS.financeGroup, '--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN'], { env });

  before(async () => {
    sandbox = await startSandbox({ seed: seed() });
    env = { AGENT_SECRET: sandbox.clientSecret, OKTA_API_TOKEN: sandbox.apiToken, HOOK_SECRET };
    hook = await startHook(
      ['--port', '0', '--secret-env', 'HOOK_SECRET', '--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN', '--client-secret-env', 'AGENT_SECRET', '--group', DEFAULT_IDS.financeGroup],
      env,
    );
    await attachHook(sandbox, hook.url);
  });
  after(async () => {
    await hook.stop();
    await sandbox.close();
  });

  it('gives Alice a token whose act the hook added, which verify ALLOWs', async () => {
    const run = await agbac(tokenArgs(DEFAULT_IDS.alice), { env });
    assert.equal(run.status, 0, run.stderr);
    const token = run.stdout.trim();
    assert.deepEqual(decodeJwt(token).act, { sub: DEFAULT_IDS.alice, email: 'alice@corp.example.com', name: 'Alice Smith' });
    const verdict = await verify(token);
    assert.equal(verdict.status, 0, verdict.stdout + verdict.stderr);
    assert.ok(verdict.stdout.startsWith(`ALLOW  agent ${DEFAULT_IDS.clientId}  human ${DEFAULT_IDS.alice}`), verdict.stdout);
    const event = hook.events().at(-1);
    assert.equal(event?.decision, 'PATCH');
    assert.equal(event?.human_id, DEFAULT_IDS.alice);
    assert.ok(!hook.stdout().includes(sandbox.clientSecret) && !hook.stdout().includes('eyJ'), 'no secret or JWT in the audit log');
  });

  it('stops issuance for an inactive human, or one outside the group, with the hook\'s summary (exit 1, one line)', async () => {
    const carol = await agbac(tokenArgs(CAROL), { env });
    assert.equal(carol.status, 1);
    assert.match(carol.stderr.trim(), /^agbac token: server_error: The human 00u789ghi012rst is SUSPENDED, not ACTIVE: the agent may not act for them\. \(HTTP 400\)\./);
    assert.equal(carol.stderr.trim().split('\n').length, 1);
    const bob = await agbac(tokenArgs(DEFAULT_IDS.bob), { env });
    assert.equal(bob.status, 1);
    assert.ok(bob.stderr.includes(`server_error: The human ${DEFAULT_IDS.bob} is not in the group FinanceUsers.`), bob.stderr);
  });

  it('stops issuance for a forged, expired or replayed act assertion, each with its summary', async () => {
    const forged = await requestWith(sandbox, await actAssertion(hook.url, {}, 'not-the-agents-secret-but-long-enough-for-hs256-0123'));
    assert.deepEqual(forged, { status: 400, body: { error: 'server_error', error_description: "The act assertion's signature does not verify with the agent's credential." } });
    const now = Math.floor(Date.now() / 1000);
    const expired = await requestWith(sandbox, await actAssertion(hook.url, { iat: now - 600, exp: now - 300 }));
    assert.deepEqual(expired.body, { error: 'server_error', error_description: 'The act assertion has expired; sign a new one for every token request.' });
    const once = await actAssertion(hook.url);
    assert.equal((await requestWith(sandbox, once)).status, 200);
    const replayed = await requestWith(sandbox, once);
    assert.deepEqual(replayed.body, { error: 'server_error', error_description: 'The act assertion has already been used; sign a new one for every token request.' });
    const missing = await agbac(['token', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read', '--act-sub', DEFAULT_IDS.alice], { env });
    assert.equal(missing.status, 1, 'without --act-via hook the token request carries no act assertion');
    assert.match(missing.stderr, /server_error: The token request carries no act assertion/);
  });

  it('lets at most one of 50 concurrent token requests replaying one act assertion (signed with agbac sign) get act', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agbac-hook-'));
    const file = join(dir, 'act.assertion.json');
    writeFileSync(file, JSON.stringify(buildActAssertion({ clientId: sandbox.clientId, hookUrl: hook.url, human: { id: DEFAULT_IDS.alice }, now: Math.floor(Date.now() / 1000), jti: crypto.randomUUID() })));
    const signed = await agbac(['sign', file, '--secret-env', 'AGENT_SECRET'], { env });
    assert.equal(signed.status, 0, signed.stderr);
    const answers = await Promise.all(Array.from({ length: 50 }, () => requestWith(sandbox, signed.stdout.trim())));
    const withAct = answers.filter((answer) => answer.status === 200 && decodeJwt(String(answer.body.access_token)).act !== undefined);
    assert.equal(withAct.length, 1);
    assert.equal(answers.filter((answer) => answer.body.error_description === 'The act assertion has already been used; sign a new one for every token request.').length, 49);
  });

  it('refuses usage mistakes in one line (exit 2)', async () => {
    const noUrl = await agbac(['token', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read', '--act-sub', DEFAULT_IDS.alice, '--act-via', 'hook'], { env });
    assert.equal(noUrl.status, 2);
    assert.match(noUrl.stderr, /--act-via hook needs --hook-url/);
    const noSecret = await agbac(['hook', 'serve', '--port', '0'], { env });
    assert.equal(noSecret.status, 2);
    assert.match(noSecret.stderr, /^agbac hook: --secret-env is required/);
    const noSub = await agbac(['hook'], { env });
    assert.equal(noSub.status, 2);
    const unset = await agbac(['hook', 'serve', '--secret-env', 'NOT_SET'], { env });
    assert.equal(unset.status, 1);
    assert.match(unset.stderr, /the environment variable named by --secret-env is not set or empty/);
  });

  it('answers /health, and stops on SIGTERM with exit 0 (then Okta skips it: the token has no act and verify DENIES)', async () => {
    const health = await fetch(new URL('/health', hook.url));
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal(await hook.stop(), 0);
    assert.match(hook.stderr(), /hook: stopping/);
    const run = await agbac(tokenArgs(DEFAULT_IDS.alice), { env });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(decodeJwt(run.stdout.trim()).act, undefined);
    const verdict = await verify(run.stdout.trim());
    assert.equal(verdict.status, 1);
    assert.match(verdict.stdout, /^DENY/);
    assert.match(verdict.stdout, /AGBAC113/);
  });
});

describe('a hook that fails is skipped, as Okta skips it: the token has no act and verify DENIES', () => {
  let sandbox: Sandbox;
  let stand: FakeHook;
  let env: Record<string, string>;
  before(async () => {
    stand = await fakeHook();
    sandbox = await startSandbox({ seed: defaultSeed({ actVia: 'hook', hook: { uri: stand.url, secret: HOOK_SECRET } }), hookTimeoutMs: 400 });
    env = { AGENT_SECRET: sandbox.clientSecret, OKTA_API_TOKEN: sandbox.apiToken };
  });
  after(async () => {
    await sandbox.close();
    await stand.close();
  });

  const cases: [string, FakeHook['answer']][] = [
    ['answering HTTP 500', () => ({ status: 500, body: addClaim('act', { sub: DEFAULT_IDS.alice }).body })],
    ['slower than the timeout', () => ({ delayMs: 900, ...addClaim('act', { sub: DEFAULT_IDS.alice }) })],
    ['patching a reserved claim next to act', () => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/act', value: { sub: DEFAULT_IDS.alice } }, { op: 'replace', path: '/claims/iss', value: 'https://evil.example' }] }] } })],
  ];
  for (const [name, answer] of cases) {
    it(name, async () => {
      stand.answer = answer;
      const run = await agbac(['token', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read', '--act-sub', DEFAULT_IDS.alice, '--act-via', 'hook', '--hook-url', stand.url], { env });
      assert.equal(run.status, 0, run.stderr);
      const claims = decodeJwt(run.stdout.trim());
      assert.equal(claims.act, undefined);
      assert.equal(claims.iss, sandbox.issuer);
      const verdict = await agbac(['verify', run.stdout.trim(), '--issuer', sandbox.issuer, '--audience', DEFAULT_IDS.audience, '--agent', sandbox.clientId, '--human', DEFAULT_IDS.alice], { env });
      assert.equal(verdict.status, 1);
      assert.match(verdict.stdout, /^DENY/);
      assert.match(verdict.stdout, /AGBAC113/);
    });
  }
  it('and a working stand-in gives act (the same setup is not broken)', async () => {
    stand.answer = () => addClaim('act', { sub: DEFAULT_IDS.alice });
    const run = await agbac(['token', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read', '--act-sub', DEFAULT_IDS.alice, '--act-via', 'hook', '--hook-url', stand.url], { env });
    assert.deepEqual(decodeJwt(run.stdout.trim()).act, { sub: DEFAULT_IDS.alice });
  });
});

describe('agbac hook serve over HTTPS', () => {
  it('serves with the given certificate and key, and refuses unreadable ones in one line', async () => {
    const { createTlsMaterial } = await import('../../../src/sandbox/tls');
    const dir = mkdtempSync(join(tmpdir(), 'agbac-hook-tls-'));
    const material = await createTlsMaterial(dir, '127.0.0.1');
    writeFileSync(join(dir, 'hook.crt'), material.cert);
    writeFileSync(join(dir, 'hook.key'), material.key);
    const env = { HOOK_SECRET };
    const hook = await startHook(['--secret-env', 'HOOK_SECRET', '--tls-cert', join(dir, 'hook.crt'), '--tls-key', join(dir, 'hook.key')], env);
    try {
      assert.match(hook.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      const { request } = await import('node:https');
      const body = await new Promise<string>((resolve, reject) => {
        request(new URL('/health', hook.url), { ca: material.caPem }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => resolve(text));
        }).on('error', reject).end();
      });
      assert.deepEqual(JSON.parse(body), { status: 'ok' });
    } finally {
      assert.equal(await hook.stop(), 0);
    }
    const missing = await agbac(['hook', 'serve', '--secret-env', 'HOOK_SECRET', '--tls-cert', join(dir, 'nothere.crt'), '--tls-key', join(dir, 'hook.key')], { env });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr.trim(), /^agbac hook: cannot read .*nothere\.crt$/m);
  });
});

describe('agbac provision --act-via hook, then agbac doctor', () => {
  it('registers, activates and attaches the hook, prints its configuration, changes nothing the second time; the doctor passes', async () => {
    const sandbox = await startSandbox();
    const dir = mkdtempSync(join(tmpdir(), 'agbac-hook-provision-'));
    const secretFile = join(dir, 'hook-secret');
    const env: Record<string, string> = { AGENT_SECRET: sandbox.clientSecret, OKTA_API_TOKEN: sandbox.apiToken };
    const org = ['--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN'];
    let hook: HookProcess | undefined;
    try {
      // The hook first, to know its URL; it reads its secret from the file provisioning writes, so
      // provisioning generates the secret, then the hook starts with it.
      const provisionArgs = (url: string) => ['provision', ...org, '--auth-server', sandbox.authServerId, '--client-id', sandbox.clientId, '--audience', DEFAULT_IDS.audience, '--act-via', 'hook', '--hook-url', url];
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const plan = await agbac([...provisionArgs(url), '--hook-secret-out', secretFile, '--dry-run'], { env });
      assert.equal(plan.status, 0, plan.stderr);
      assert.match(plan.stdout, /^Plan:\n {2}create inline hook AGBAC act hook: com\.okta\.oauth2\.tokens\.transform at http:\/\/127\.0\.0\.1:\d+\/, Authorization header secret\n {2}update rule Allow Client Credentials with Act: run the act hook/);
      const applied = await agbac([...provisionArgs(url), '--hook-secret-out', secretFile], { env });
      assert.equal(applied.status, 0, applied.stderr);
      assert.match(applied.stdout, /Token inline hook:\n {2}Hook id: {8}cal\w+ \(ACTIVE/);
      assert.match(applied.stdout, /Authorization: {2}the secret written to .*hook-secret/);
      const secret = readFileSync(secretFile, 'utf8');
      assert.ok(secret.length >= 40 && !applied.stdout.includes(secret), 'the secret is in the file, not on the screen');
      const again = await agbac([...provisionArgs(url), '--hook-secret-env', 'HOOK_SECRET'], { env: { ...env, HOOK_SECRET: secret } });
      assert.match(again.stdout, /^Nothing to change/);

      hook = await startHook(['--port', String(port), '--secret-env', 'HOOK_SECRET', '--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN', '--client-secret-env', 'AGENT_SECRET'], { ...env, HOOK_SECRET: secret });
      const doctor = await agbac(['doctor', ...org, '--auth-server', sandbox.authServerId, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--audience', DEFAULT_IDS.audience, '--act-sub', DEFAULT_IDS.alice, '--group', DEFAULT_IDS.financeGroup], { env });
      assert.equal(doctor.status, 0, doctor.stdout);
      assert.match(doctor.stdout, /✓ How the human reaches the token: both: the guide's claim expression and the token inline hook AGBAC act hook \(http:\/\/127\.0\.0\.1:\d+\/\), which runs last; hooks fail open/);
      assert.ok(doctor.stdout.includes(`✓ The hook answers Okta's request: a patch adding act for ${DEFAULT_IDS.alice}`), doctor.stdout);
      assert.ok(doctor.stdout.includes(`✓ act comes back in the token through the hook: act.sub ${DEFAULT_IDS.alice}`), doctor.stdout);
    } finally {
      await hook?.stop();
      await sandbox.close();
    }
  });
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
