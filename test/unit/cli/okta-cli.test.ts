/** The Okta commands end to end against a sandbox, over HTTP and HTTPS: token, verify, doctor, provision, whois, demo. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { DEFAULT_IDS, type Sandbox, startSandbox } from '../../../src/sandbox';
import { emptyOrgSeed } from '../okta/sandbox-helpers';
import { agbac, ROOT } from './run-cli';


before(() => {
  assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0, 'build');
});

for (const scheme of ['http', 'https'] as const) {
  describe(`Okta commands over ${scheme}`, () => {
    let sandbox: Sandbox;
    let caArgs: string[];
    let env: Record<string, string>;
    let org: string[];
    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'agbac-okta-cli-'));
      sandbox = await startSandbox(scheme === 'https' ? { tls: { dir } } : {});
      caArgs = sandbox.caFile ? ['--ca', sandbox.caFile] : [];
      env = { AGENT_SECRET: sandbox.clientSecret, OKTA_API_TOKEN: sandbox.apiToken };
      org = ['--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN', ...caArgs];
    });
    after(() => sandbox.close());

    const tokenArgs = (actSub: string) => [
      'token', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET',
      '--scope', 'finance.read', '--act-sub', actSub, '--act-email', 'alice@corp.example.com', '--act-name', 'Alice Smith', ...caArgs,
    ];

    it('token prints an access token carrying the human; json adds the decoded token', async () => {
      const run = await agbac(tokenArgs(DEFAULT_IDS.alice), { env: env });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(decodeJwt(run.stdout.trim()).act, { sub: DEFAULT_IDS.alice, email: 'alice@corp.example.com', name: 'Alice Smith' });
      const json = await agbac([...tokenArgs(DEFAULT_IDS.alice), '--format', 'json'], { env: env });
      const body = JSON.parse(json.stdout) as { token_type: string; decoded: { payload: { scp: string[] } } };
      assert.equal(body.token_type, 'Bearer');
      assert.deepEqual(body.decoded.payload.scp, ['finance.read']);
      assert.ok(!run.stderr.includes(sandbox.clientSecret));
    });

    it('token explains a refusal in one line (exit 1)', async () => {
      const run = await agbac([...tokenArgs(DEFAULT_IDS.alice), '--audience-style', 'issuer'], { env: env });
      assert.equal(run.status, 1);
      assert.match(run.stderr.trim(), /^agbac token: invalid_client: The audience claim for client_assertion must be the endpoint invoked for the request\. \(HTTP 401\)\. Set aud to the token endpoint/);
      assert.equal(run.stderr.trim().split('\n').length, 1);
    });

    it('verify finds the keys through the issuer and approves by group (ALLOW 0, DENY 1)', async () => {
      const alice = (await agbac(tokenArgs(DEFAULT_IDS.alice), { env: env })).stdout.trim();
      const bob = (await agbac(tokenArgs(DEFAULT_IDS.bob), { env: env })).stdout.trim();
      const verify = (token: string) => agbac(['verify', token, '--issuer', sandbox.issuer, '--audience', DEFAULT_IDS.audience, '--scope', 'finance.read', '--agent', sandbox.clientId, '--group', 'FinanceUsers', ...org], { env: env });
      const allowed = await verify(alice);
      assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
      assert.match(allowed.stdout, /^ALLOW/);
      const denied = await verify(bob);
      assert.equal(denied.status, 1);
      assert.ok(denied.stdout.includes(`AGBAC115 The human "${DEFAULT_IDS.bob}" is not approved: not a member of the group "FinanceUsers"`), denied.stdout);
    });

    it('provision finds the guide\'s org complete: nothing to change', async () => {
      const run = await agbac(['provision', ...org, '--auth-server', sandbox.authServerId, '--client-id', sandbox.clientId, '--audience', DEFAULT_IDS.audience, '--dry-run'], { env });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Nothing to change: the org already matches the guide\./);
    });

    it('whois finds the user id', async () => {
      const run = await agbac(['whois', 'alice@corp.example.com', ...org], { env: env });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^${DEFAULT_IDS.alice}\\s+ACTIVE\\s+alice@corp\\.example\\.com\\s+Alice Smith$`, 'm'));
      assert.equal((await agbac(['whois', 'nobody@corp.example.com', ...org], { env: env })).status, 1);
    });

    it('doctor passes on the guide\'s org (exit 0) and fails with the fix when a step is undone (exit 1)', async () => {
      const args = ['doctor', ...org, '--auth-server', sandbox.authServerId, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--audience', DEFAULT_IDS.audience, '--act-sub', DEFAULT_IDS.alice, '--group', 'FinanceUsers'];
      const good = await agbac(args, { env: env });
      assert.equal(good.status, 0, good.stdout + good.stderr);
      assert.match(good.stdout, /21 passed, 0 failed, 0 skipped/);
      assert.match(good.stdout, /✓ How the human reaches the token: the guide's claim expression.*; and token exchange \(rule Allow Token Exchange\): it carries the human's own sign-in/);
      const json = JSON.parse((await agbac([...args, '--format', 'json'], { env: env })).stdout) as { failed: number; checks: unknown[] };
      assert.equal(json.failed, 0);
      const bad = await agbac([...args.slice(0, -1), 'Auditors'], { env: env });
      assert.equal(bad.status, 1);
      assert.match(bad.stdout, /✗ The human is in Auditors: alice@corp\.example\.com is in Everyone, FinanceUsers\n\s+why: .+\n\s+fix: Add alice@corp\.example\.com to Auditors/);
    });
  });
}

describe('agbac provision', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: emptyOrgSeed() });
  });
  after(() => sandbox.close());

  it('plans, applies (writing the generated key), and then has nothing to do; doctor passes with the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agbac-provision-'));
    const keyFile = join(dir, 'agent.pem');
    const env = { OKTA_API_TOKEN: sandbox.apiToken };
    const base = ['provision', '--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN', '--audience', DEFAULT_IDS.audience, '--key-out', keyFile, '--kid', 'agent-1'];
    const plan = await agbac([...base, '--dry-run'], { env: env });
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, /^Plan:\n {2}create server AGBAC-AS/);
    const applied = await agbac([...base, '--format', 'json'], { env: env });
    assert.equal(applied.status, 0, applied.stderr);
    const result = JSON.parse(applied.stdout) as { authServerId: string; clientId: string; changes: unknown[] };
    assert.equal(result.changes.length, 6);
    assert.match(readFileSync(keyFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    const again = await agbac([...base, '--client-id', result.clientId], { env: env });
    assert.match(again.stdout, /^Nothing to change/);
    const doctor = await agbac(['doctor', '--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN', '--auth-server', result.authServerId, '--client-id', result.clientId, '--key', keyFile, '--kid', 'agent-1', '--act-sub', DEFAULT_IDS.alice], { env: env });
    assert.equal(doctor.status, 0, doctor.stdout);
  });

  it('provisions the token exchange path: the grant, the sign-in app with its redirect URI, the rules; then nothing', async () => {
    const fresh = await startSandbox({ seed: emptyOrgSeed() });
    try {
      const env = { OKTA_API_TOKEN: fresh.apiToken };
      const base = ['provision', '--org-url', fresh.orgUrl, '--api-token-env', 'OKTA_API_TOKEN', '--audience', DEFAULT_IDS.audience, '--act-via', 'token-exchange', '--redirect-uri', 'http://127.0.0.1:8765/callback'];
      const applied = await agbac(base, { env });
      assert.equal(applied.status, 0, applied.stderr);
      assert.match(applied.stdout, /^Changed:\n {2}create server AGBAC-AS/);
      assert.match(applied.stdout, /\n {2}create app AGBAC Sign-In: native app people sign in with: authorization code with PKCE, redirect URI http:\/\/127\.0\.0\.1:8765\/callback\n/);
      assert.doesNotMatch(applied.stdout, /claim act/, 'no act claim on this path');
      const signIn = /^Sign-in app: (0oa\w+)$/m.exec(applied.stdout)?.[1];
      assert.ok(signIn, applied.stdout);
      assert.match(applied.stdout, /^Redirect URI: http:\/\/127\.0\.0\.1:8765\/callback$/m);
      const agent = /^Agent client id: (0oa\w+)$/m.exec(applied.stdout)?.[1] ?? '';
      const again = await agbac([...base, '--client-id', agent, '--sign-in-client-id', signIn, '--format', 'json', '--dry-run'], { env });
      assert.equal(again.status, 0, again.stderr);
      const server = /^Authorization server: (aus\w+)$/m.exec(applied.stdout)?.[1];
      assert.deepEqual(JSON.parse(again.stdout), {
        dryRun: true, changes: [], notes: [], authServerId: server, clientId: agent, kid: null, signInClientId: signIn, redirectUri: 'http://127.0.0.1:8765/callback',
      });
    } finally {
      await fresh.close();
    }
  });

  it('refuses sign-in options off the token exchange path, and a redirect URI that is no loopback one (exit 2)', async () => {
    const env = { OKTA_API_TOKEN: sandbox.apiToken };
    const base = ['provision', '--org-url', sandbox.orgUrl, '--api-token-env', 'OKTA_API_TOKEN', '--audience', DEFAULT_IDS.audience, '--dry-run'];
    const offPath = await agbac([...base, '--redirect-uri', 'http://127.0.0.1:8765/callback'], { env });
    assert.equal(offPath.status, 2);
    assert.match(offPath.stderr, /--sign-in-client-id and --redirect-uri go with --act-via token-exchange/);
    const remote = await agbac([...base, '--act-via', 'token-exchange', '--redirect-uri', 'https://app.example.com/callback'], { env });
    assert.equal(remote.status, 2);
    assert.match(remote.stderr, /--redirect-uri must be http on the loopback interface with a port/);
  });

  it('refuses a missing credential or audience in one line (exit 2)', async () => {
    const missing = await agbac(['provision', '--org-url', sandbox.orgUrl, '--audience', DEFAULT_IDS.audience]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /give a Management API credential/);
    const noAudience = await agbac(['provision', '--org-url', sandbox.orgUrl, '--api-token-env', 'X'], { env: { X: 'y' } });
    assert.equal(noAudience.status, 2);
  });

  it('reports a bad API token as Okta does', async () => {
    const run = await agbac(['whois', 'alice@corp.example.com', '--org-url', sandbox.orgUrl, '--api-token-env', 'T'], { env: { T: 'not-the-token' } });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /E0000011 .*The API token is invalid, expired or revoked/);
  });
});

describe('agbac demo', () => {
  it('runs the whole flow: ALLOW for Alice, DENY for Bob, the guide\'s audience refused', async () => {
    const run = await agbac(['demo']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`ALLOW {2}agent ${DEFAULT_IDS.clientId} {2}human ${DEFAULT_IDS.alice}`));
    assert.match(run.stdout, new RegExp(`DENY {2}agent ${DEFAULT_IDS.clientId} {2}human ${DEFAULT_IDS.bob}\\n(.*\\n)*.*AGBAC115`));
    // The sandbox's users have real-length ids: the demo's first assertion is clean (no AGBAC033).
    assert.match(run.stdout, /^lint: no findings$/m);
    assert.match(run.stdout, /refused, as real Okta refuses it: HTTP 401 invalid_client/);
    assert.doesNotMatch(run.stdout, /eyJ[\w-]{20,}\.[\w-]{20,}\.[\w-]{20,}/, 'no whole token is printed');
  });
});

