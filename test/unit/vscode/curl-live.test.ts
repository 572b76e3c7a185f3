/**
 * Copy Request as curl, run: each snippet goes through bash, the real `agbac sign` (the bundled
 * CLI) and curl against the sandbox, on each of a connection's paths: the guide's (the human in the
 * assertion's act), a token inline hook (the human in an act assertion on the token URL), and
 * token exchange (the person's own access token as the subject).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, jwtVerify } from 'jose';
import { type Connection, type JsonRecord, readConnection } from '../../../src/core';
import { passwordGrant } from '../../../src/oauth';
import { DEFAULT_IDS, defaultSeed, type Sandbox, startSandbox } from '../../../src/sandbox';
import { curlTokenRequest } from '../../../src/vscode/model/curl';
import { CLI, ROOT } from '../cli/run-cli';
import { addClaim, type FakeHook, fakeHook } from '../sandbox/hook-server';

const ALICE = { id: DEFAULT_IDS.alice, email: DEFAULT_IDS.aliceLogin, name: 'Alice Smith' };
const HOOK_SECRET = 'okta-sends-the-hook-this-secret-0123';

/** A PATH whose `npx agbac` is the bundled CLI, so that the snippet runs as written. */
function shimPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'agbac-npx-'));
  const npx = join(bin, 'npx');
  writeFileSync(npx, `#!/bin/sh\n[ "$1" = agbac ] || exit 127\nshift\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(npx, 0o755);
  return `${bin}:${process.env.PATH ?? ''}`;
}

/** Runs a snippet in bash with only the given environment; the token endpoint's JSON answer. */
function run(snippet: string, env: Record<string, string>): Promise<JsonRecord> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail'], { cwd: ROOT, env: { PATH: shimPath(), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        assert.equal(status, 0, stderr);
        resolve(JSON.parse(stdout) as JsonRecord);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.stdin.end(snippet);
  });
}

function connectionTo(sandbox: Sandbox, fields: Record<string, unknown> = {}): Connection {
  const read = readConnection({ name: 'Sandbox', orgUrl: sandbox.orgUrl, authServerId: sandbox.authServerId, clientId: sandbox.clientId, scopes: ['finance.read'], apiAudience: DEFAULT_IDS.audience, ...fields });
  if (!('connection' in read)) throw new Error(read.errors.join('; '));
  return read.connection;
}

before(() => {
  assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0, 'build');
});

describe('Copy Request as curl, run against the sandbox', () => {
  let sandbox: Sandbox;
  let hook: FakeHook;
  before(async () => {
    hook = await fakeHook(() => addClaim('act', { sub: DEFAULT_IDS.alice }));
    sandbox = await startSandbox({ seed: defaultSeed({ actVia: 'both', hook: { uri: hook.url, secret: HOOK_SECRET } }) });
  });
  after(async () => {
    await sandbox.close();
    await hook.close();
  });

  it("the guide's path: the token carries the human the assertion named", async () => {
    const answer = await run(curlTokenRequest(connectionTo(sandbox), ALICE, ['finance.read']), { AGBAC_CLIENT_SECRET: sandbox.clientSecret });
    const claims = decodeJwt(String(answer.access_token));
    assert.equal((claims.act as JsonRecord | undefined)?.sub, DEFAULT_IDS.alice);
    assert.equal(claims.sub, sandbox.clientId);
  });

  it('a token inline hook: the act assertion travels on the token URL, signed by the agent, naming only the human', async () => {
    hook.calls.length = 0;
    const snippet = curlTokenRequest(connectionTo(sandbox, { actDelivery: 'inline-hook', hookUrl: hook.url }), ALICE, ['finance.read']);
    assert.doesNotMatch(/CLIENT_ASSERTION="[^]*?\nPAYLOAD/.exec(snippet)?.[0] ?? '', /"act"/, 'the client assertion names no one');
    const answer = await run(snippet, { AGBAC_CLIENT_SECRET: sandbox.clientSecret });
    assert.equal(typeof answer.access_token, 'string', JSON.stringify(answer));
    const url = new URL(String(((hook.calls[0]?.body.data as JsonRecord).context as { request: { url: { value: string } } }).request.url.value));
    const actAssertion = url.searchParams.get('act_assertion') ?? '';
    const { payload } = await jwtVerify(actAssertion, new TextEncoder().encode(sandbox.clientSecret), { issuer: sandbox.clientId, subject: sandbox.clientId, audience: hook.url });
    assert.deepEqual(payload.act, { sub: DEFAULT_IDS.alice });
    assert.ok((payload.exp ?? 0) - (payload.iat ?? 0) <= 300, 'an act assertion lives 5 minutes at most');
  });

  it("token exchange: the person's own access token is the subject, the agent's assertion names no one", async () => {
    const person = await passwordGrant({ tokenEndpoint: sandbox.tokenEndpoint, clientId: DEFAULT_IDS.signInClientId, username: DEFAULT_IDS.aliceLogin, password: sandbox.userPassword, scopes: ['finance.read'] });
    const snippet = curlTokenRequest(connectionTo(sandbox, { actDelivery: 'token-exchange', signInClientId: DEFAULT_IDS.signInClientId }), ALICE, ['finance.read']);
    assert.doesNotMatch(snippet, /"act"/);
    assert.doesNotMatch(snippet, new RegExp(person.accessToken.slice(-20)), 'the token is read from the environment, never written');
    const answer = await run(snippet, { AGBAC_CLIENT_SECRET: sandbox.clientSecret, AGBAC_SUBJECT_TOKEN: person.accessToken });
    const claims = decodeJwt(String(answer.access_token));
    assert.equal(claims.uid, DEFAULT_IDS.alice, "Okta's on-behalf-of shape: the person in uid");
    assert.equal(claims.cid, sandbox.clientId, 'and the agent in cid');
    assert.equal(answer.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
  });
});
