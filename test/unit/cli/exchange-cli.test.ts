/**
 * Delegation a person actually gave, through the public commands against the sandbox: `agbac
 * login` (password grant and the browser round trip), `agbac token --flow token-exchange`, and
 * every refusal at issuance with its reason.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from '../../../src/core';
import { DEFAULT_IDS, type Sandbox, startSandbox } from '../../../src/sandbox';
import { completeSignIn } from '../sign-in-driver';
import { agbac, CLI, ROOT, type Run } from './run-cli';

/** Seconds the sandbox's clock is moved, so that a token can be issued in the past. */
let offset = 0;
let sandbox: Sandbox;

before(async () => {
  assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0, 'build');
  sandbox = await startSandbox({ now: () => Date.now() / 1000 + offset });
});
after(() => sandbox.close());

const env = () => ({ ALICE_PASSWORD: sandbox.userPassword, AGENT_SECRET: sandbox.clientSecret });

function login(args: string[] = [], username: string = DEFAULT_IDS.aliceLogin): Promise<Run> {
  return agbac(['login', '--issuer', sandbox.issuer, '--client-id', DEFAULT_IDS.signInClientId, '--username', username, '--password-env', 'ALICE_PASSWORD', '--scope', 'openid', '--scope', 'finance.read', ...args], { env: env() });
}

function exchange(subjectToken: string, args: string[] = []): Promise<Run> {
  return agbac(
    ['token', '--flow', 'token-exchange', '--subject-token', '-', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read', '--audience', DEFAULT_IDS.audience, ...args],
    { env: env(), input: subjectToken },
  );
}

async function signedIn(args: string[] = [], username?: string): Promise<string> {
  const run = await login(args, username);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

function assertRefused(run: Run, pattern: RegExp): void {
  assert.equal(run.status, 1, run.stdout);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] ?? '', pattern);
}

describe('agbac login', () => {
  it('signs Alice in with the password grant and prints her access token alone', async () => {
    const token = await signedIn(['--agent', sandbox.clientId]);
    const payload = decodeJwt(token).payload;
    assert.deepEqual([payload.uid, payload.sub, payload.cid, payload.may_act], [DEFAULT_IDS.alice, DEFAULT_IDS.aliceLogin, DEFAULT_IDS.signInClientId, { sub: sandbox.clientId }]);
  });

  it('--format json has the answer and both decoded tokens', async () => {
    const run = await login(['--format', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const answer = JSON.parse(run.stdout) as { decoded: { access_token: Record<string, unknown>; id_token: Record<string, unknown> } };
    assert.equal(answer.decoded.access_token.uid, DEFAULT_IDS.alice);
    assert.equal(answer.decoded.id_token.sub, DEFAULT_IDS.alice);
  });

  it('prints a URL to open, waits for the loopback redirect, and prints the token', async () => {
    const child = spawn(process.execPath, [CLI, 'login', '--issuer', sandbox.issuer, '--client-id', DEFAULT_IDS.signInClientId, '--scope', 'openid', '--scope', 'finance.read', '--agent', sandbox.clientId, '--wait', '60'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 15 s: ${stderr}`)), 15_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const found = /^(http:\/\/\S+\/v1\/authorize\?\S+)$/m.exec(stderr)?.[1];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    assert.match(stderr, /^Open this URL in a browser to sign in/m);
    assert.equal(await completeSignIn(url, { username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword }), 200);
    const [status] = (await once(child, 'close')) as [number];
    assert.equal(status, 0, stderr);
    assert.equal(decodeJwt(stdout.trim()).payload.uid, DEFAULT_IDS.alice);
  });

  it('refuses a wrong password in one line, and never takes one on the command line', async () => {
    const wrong = await agbac(['login', '--issuer', sandbox.issuer, '--client-id', DEFAULT_IDS.signInClientId, '--username', DEFAULT_IDS.aliceLogin, '--password-env', 'WRONG'], { env: { WRONG: 'not-her-password' } });
    assertRefused(wrong, /^agbac login: invalid_grant: The credentials provided were invalid\. \(HTTP 400\)\. Check the login and the password/);
    const inline = await agbac(['login', '--issuer', sandbox.issuer, '--client-id', DEFAULT_IDS.signInClientId, '--username', 'a', '--password', 'secret']);
    assert.equal(inline.status, 2);
    assert.match(inline.stderr, /--password is not taken on the command line/);
    assert.doesNotMatch(inline.stderr, /secret/);
  });
});

describe('agbac token --flow token-exchange', () => {
  it("exchanges Alice's token as the Finance Agent: Okta's on-behalf-of token", async () => {
    const run = await exchange(await signedIn(['--agent', sandbox.clientId]), ['--format', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const answer = JSON.parse(run.stdout) as { issued_token_type: string; decoded: { payload: Record<string, unknown> } };
    assert.equal(answer.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
    const payload = answer.decoded.payload;
    assert.deepEqual([payload.sub, payload.uid, payload.cid, payload.act], [DEFAULT_IDS.aliceLogin, DEFAULT_IDS.alice, sandbox.clientId, undefined]);
    assert.equal(run.stderr, '', 'no note about a missing act: the person is in the subject token');
  });

  it('takes the subject token from a file or inline too, and refuses the act options', async () => {
    const token = await signedIn();
    const inline = await agbac(['token', '--flow', 'token-exchange', '--subject-token', token, '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read'], { env: env() });
    assert.equal(inline.status, 0, inline.stderr);
    const withAct = await exchange(token, ['--act-sub', DEFAULT_IDS.bob]);
    assert.equal(withAct.status, 2);
    assert.match(withAct.stderr, /takes the person from the subject token/);
    const missing = await agbac(['token', '--flow', 'token-exchange', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read'], { env: env() });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /needs --subject-token/);
  });

  it('refuses a subject token from another issuer, with the reason', async () => {
    const other = await startSandbox();
    try {
      const foreign = await agbac(['login', '--issuer', other.issuer, '--client-id', DEFAULT_IDS.signInClientId, '--username', DEFAULT_IDS.aliceLogin, '--password-env', 'P', '--scope', 'finance.read'], { env: { P: other.userPassword } });
      assert.equal(foreign.status, 0, foreign.stderr);
      assertRefused(await exchange(foreign.stdout.trim()), new RegExp(`^agbac token: invalid_request: 'subject_token' is invalid: it was issued by "${other.issuer}", not by this authorization server \\(${sandbox.issuer}\\)\\.`));
    } finally {
      await other.close();
    }
  });

  it('refuses an expired subject token, with the reason', async () => {
    offset = -7200;
    let token: string;
    try {
      token = await signedIn();
    } finally {
      offset = 0;
    }
    assertRefused(await exchange(token), /^agbac token: invalid_request: 'subject_token' is invalid: it expired 1 h ago\. \(HTTP 400\)\. Sign the person in again/);
  });

  it('refuses a token whose may_act names another agent, with the reason', async () => {
    const forSignInApp = await signedIn(['--agent', DEFAULT_IDS.signInClientId]);
    assertRefused(await exchange(forSignInApp), new RegExp(`^agbac token: invalid_request: 'subject_token' is invalid: its may_act names "${DEFAULT_IDS.signInClientId}" as the one who may act for the person, not ${sandbox.clientId}\\.`));
  });

  it('refuses an app without the token exchange grant, with the reason and the fix', async () => {
    const token = await signedIn();
    const path = `${sandbox.orgUrl}/api/v1/apps/${sandbox.clientId}`;
    const headers = { authorization: `SSWS ${sandbox.apiToken}`, 'content-type': 'application/json', accept: 'application/json' };
    const app = (await (await fetch(path, { headers })).json()) as { settings: { oauthClient: Record<string, unknown> } };
    const put = (grants: string[]) => fetch(path, { method: 'PUT', headers, body: JSON.stringify({ ...app, settings: { ...app.settings, oauthClient: { ...app.settings.oauthClient, grant_types: grants } } }) });
    assert.equal((await put(['client_credentials'])).status, 200);
    try {
      assertRefused(await exchange(token), /^agbac token: unauthorized_client: The client is not authorized to use the provided grant type\. Configured grant types: \[client_credentials\]\. \(HTTP 400\)\. Enable the Token Exchange grant type on the agent app/);
    } finally {
      await put(['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange']);
    }
  });
});

describe('agbac doctor --act-via token-exchange', () => {
  it("says what each path guarantees and exchanges Alice's real sign-in as the agent", async () => {
    const subject = await signedIn();
    const run = await agbac(
      ['doctor', '--org-url', sandbox.orgUrl, '--api-token-env', 'API_TOKEN', '--auth-server', sandbox.authServerId, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET',
        '--audience', DEFAULT_IDS.audience, '--scope', 'finance.read', '--act-via', 'token-exchange', '--subject-token', '-'],
      { env: { ...env(), API_TOKEN: sandbox.apiToken }, input: subject },
    );
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /✓ How the human reaches the token: token exchange \(rule Allow Token Exchange\): it carries the human's own sign-in: their access token is the subject, so the agent cannot name anyone else/);
    assert.match(run.stdout, /✓ Live token exchange: Bearer token/);
    assert.match(run.stdout, new RegExp(`✓ The exchanged token names the person and the agent: Okta's on-behalf-of shape: the person ${DEFAULT_IDS.alice}, the agent ${sandbox.clientId}`));
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(subject.slice(-20)), 'the subject token is never printed');
  });

  it('--subject-token without --act-via token-exchange is a usage error', async () => {
    const run = await agbac(['doctor', '--org-url', sandbox.orgUrl, '--api-token-env', 'API_TOKEN', '--auth-server', sandbox.authServerId, '--client-id', sandbox.clientId, '--subject-token', 'x'], { env: { API_TOKEN: sandbox.apiToken } });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--subject-token goes with --act-via token-exchange/);
  });
});

describe('agbac verify --policy: AGBAC 1.0 §7.1 in full on exchanged tokens', () => {
  let dir: string;
  const policyFile = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const FINANCE_POLICY = `# Who may act for whom (AGBAC 1.0 §7.3)
version: 1
delegations:
  - description: The finance agent works for the finance team
    agents: [${DEFAULT_IDS.clientId}]
    humans:
      groups: [${DEFAULT_IDS.financeGroup}]
    scopes: [finance.read]
explicitScopes: [finance.read]
maxDelegationAgeSeconds: 3600
`;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'agbac-policy-'));
  });

  async function exchanged(username: string): Promise<string> {
    const run = await exchange(await signedIn(['--agent', sandbox.clientId], username));
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.trim();
  }

  function verify(token: string, policy: string, extra: string[] = []): Promise<Run> {
    return agbac(
      ['verify', '-', '--issuer', sandbox.issuer, '--audience', DEFAULT_IDS.audience, '--scope', 'finance.read', '--policy', policy,
        '--org-url', sandbox.orgUrl, '--api-token-env', 'API_TOKEN', ...extra],
      { env: { API_TOKEN: sandbox.apiToken }, input: token },
    );
  }

  interface VerifyJson {
    decision: string;
    agent: string;
    human: string;
    mapping: { name: string };
    policy: { rule: number | null; checks: { name: string; outcome: string; detail: string }[] };
    findings: { code: string; message: string }[];
    audit: { decision: string; agent_id: string; human_id: string; delegation: Record<string, unknown>; policy: { rule: number | null; checks: Record<string, string> }; reasons: string[] };
  }

  it("ALLOWs Alice's exchanged token for the Finance Agent under a FinanceUsers policy, delegation explicit", async () => {
    const run = await verify(await exchanged(DEFAULT_IDS.aliceLogin), policyFile('finance.yaml', FINANCE_POLICY), ['--format', 'json']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const result = JSON.parse(run.stdout) as VerifyJson;
    assert.equal(result.decision, 'ALLOW');
    assert.deepEqual([result.agent, result.human, result.mapping.name], [sandbox.clientId, DEFAULT_IDS.alice, 'okta-on-behalf-of']);
    assert.deepEqual(result.policy.checks.map((check) => [check.name, check.outcome]), [
      ['agent-permitted', 'passed'], ['human-permitted', 'passed'], ['delegation-valid', 'passed'], ['delegation-unexpired', 'passed'], ['delegation-appropriate', 'passed'],
    ]);
    assert.equal(result.policy.rule, 0);
    const { delegation } = result.audit;
    assert.deepEqual([delegation.type, delegation.evidence, delegation.shape, delegation.chain], ['explicit', 'sign-in', 'okta-on-behalf-of', [sandbox.clientId]]);
    assert.equal(typeof delegation.granted_at, 'string');
    assert.deepEqual(result.audit.policy.checks, { 'agent-permitted': 'passed', 'human-permitted': 'passed', 'delegation-valid': 'passed', 'delegation-unexpired': 'passed', 'delegation-appropriate': 'passed' });

    const text = await verify(await exchanged(DEFAULT_IDS.aliceLogin), policyFile('finance.yaml', FINANCE_POLICY));
    assert.equal(text.status, 0, text.stdout);
    assert.match(text.stdout, /^ALLOW {2}agent 0oa123abc456xyz {2}human /);
    assert.match(text.stdout, /policy: agent-permitted passed, human-permitted passed, delegation-valid passed, delegation-unexpired passed, delegation-appropriate passed \(delegation 0\)/);
    assert.match(text.stdout, /delegation: explicit on the human's own sign-in, granted \S+, agents 0oa123abc456xyz/);
  });

  it('DENYs the same agent under a policy that does not list it', async () => {
    const other = policyFile('other.json', JSON.stringify({ version: 1, delegations: [{ agents: ['0oaPayrollAgent0001'], humans: { groups: [DEFAULT_IDS.financeGroup] } }] }));
    const run = await verify(await exchanged(DEFAULT_IDS.aliceLogin), other, ['--format', 'json']);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const result = JSON.parse(run.stdout) as VerifyJson;
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(result.audit.reasons, ['AGBAC140 policy-agent-not-permitted']);
    assert.deepEqual(result.policy.checks.filter((check) => check.outcome === 'failed').map((check) => check.name), ['agent-permitted', 'human-permitted']);
  });

  it("DENYs Bob's exchanged token: he is not in FinanceUsers", async () => {
    const run = await verify(await exchanged(DEFAULT_IDS.bobLogin), policyFile('finance.yaml', FINANCE_POLICY));
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^DENY {2}agent 0oa123abc456xyz {2}human /);
    assert.match(run.stdout, new RegExp(`✗ AGBAC141 The delegation policy does not let "${sandbox.clientId}" act for "${DEFAULT_IDS.bob}": not listed by id, and in none of FinanceUsers`));
    assert.match(run.stdout, /✗ human-permitted:/);
  });

  it("DENYs the guide's token for Alice where the policy wants explicit delegation: the agent's word is not her sign-in", async () => {
    const token = await agbac(['token', '--token-endpoint', sandbox.tokenEndpoint, '--client-id', sandbox.clientId, '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read', '--act-sub', DEFAULT_IDS.alice], { env: env() });
    assert.equal(token.status, 0, token.stderr);
    const run = await verify(token.stdout.trim(), policyFile('finance.yaml', FINANCE_POLICY), ['--format', 'json']);
    assert.equal(run.status, 1, run.stdout);
    const result = JSON.parse(run.stdout) as VerifyJson;
    assert.equal(result.mapping.name, 'okta');
    assert.ok(result.audit.reasons.includes('AGBAC142 explicit-delegation-required'), result.audit.reasons.join(', '));
    assert.deepEqual([result.audit.delegation.type, result.audit.delegation.evidence], ['unknown', 'agent']);
  });

  it('names a broken policy in one line with its place, exit 1', async () => {
    const broken = policyFile('broken.yaml', `version: 1\ndelegations:\n  - agents: [${DEFAULT_IDS.clientId}]\n    humans:\n      ids: [alice@corp.example.com]\n`);
    const run = await verify('x', broken);
    assert.equal(run.status, 1);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] ?? '', /^agbac verify: the delegation policy is not valid: \S+broken\.yaml:5:13: delegations\[0\]\.humans\.ids\[0\] "alice@corp\.example\.com" is not an Okta user id \(00u…\): approve people by id, never by email or login/);
  });
});
