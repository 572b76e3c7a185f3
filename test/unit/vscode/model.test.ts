/**
 * The editor's view models on plain Node: token countdowns, the curl snippet, log redaction, the
 * doctor's and provisioning's reports. (The tree and the inspector have their own files.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { Check } from '../../../src/okta/checks';
import { CURL_VARIABLES, curlTokenRequest, shellQuote } from '../../../src/vscode/model/curl';
import { redact } from '../../../src/vscode/model/redact';
import { doctorReport, provisionReport } from '../../../src/vscode/model/reports';
import { humanLabel, type RecentToken, remainingLife, withToken } from '../../../src/vscode/model/tokens';
import { CLIENT_ID, NOW, TOKEN_ENDPOINT, USER_ID } from '../fixtures';
import { connection } from './helpers';

describe('token countdowns', () => {
  it('counts down in minutes and seconds, then hours, and says expired', () => {
    assert.equal(remainingLife(NOW + 3599, NOW), '59:59');
    assert.equal(remainingLife(NOW + 61, NOW), '1:01');
    assert.equal(remainingLife(NOW + 3600 + 62, NOW), '1:01:02');
    assert.equal(remainingLife(NOW, NOW), 'expired');
    assert.equal(remainingLife(NOW - 5, NOW), 'expired');
    assert.equal(remainingLife(undefined, NOW), 'no expiry');
  });

  it('names the human by name, else email, else id', () => {
    assert.equal(humanLabel({ id: USER_ID, email: 'a@b.example', name: 'Alice' }), 'Alice');
    assert.equal(humanLabel({ id: USER_ID, email: 'a@b.example' }), 'a@b.example');
    assert.equal(humanLabel({ id: USER_ID }), USER_ID);
    assert.equal(humanLabel(undefined), 'no human');
  });

  it('keeps the newest tokens first, each once, up to the limit', () => {
    const token = (id: string): RecentToken => ({ id, source: 'request', token: `t-${id}`, connection: 'Acme', human: undefined, scopes: [], assertion: undefined, receivedAt: NOW, expiresAt: NOW + 60 });
    let tokens: RecentToken[] = [];
    for (const id of ['a', 'b', 'c']) tokens = withToken(tokens, token(id), 2);
    assert.deepEqual(tokens.map((entry) => entry.id), ['c', 'b']);
    assert.deepEqual(withToken(tokens, token('b')).map((entry) => entry.id), ['b', 'c']);
  });
});

describe('the token request as curl', () => {
  const SECRET_LOOKING = 'correct-horse-battery-staple-0123456789';

  it('signs with the CLI reading the secret from an environment variable, and posts the guide\'s form', () => {
    const text = curlTokenRequest(connection(), { id: USER_ID, email: 'alice@corp.example.com' }, ['finance.read', 'finance.write']);
    assert.match(text, new RegExp(`npx agbac sign - --secret-env ${CURL_VARIABLES.clientSecret} --refresh <<'PAYLOAD'`));
    assert.ok(text.includes(`--request POST '${TOKEN_ENDPOINT}'`));
    assert.ok(text.includes("--data-urlencode 'scope=finance.read finance.write'"));
    assert.ok(text.includes("--data-urlencode 'client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer'"));
    assert.ok(text.includes('--data-urlencode "client_assertion=$CLIENT_ASSERTION"'));
    const payload = JSON.parse(/<<'PAYLOAD'\n(.*)\nPAYLOAD/.exec(text)?.[1] ?? '{}') as Record<string, unknown>;
    // No times and no jti: `--refresh` makes them when the snippet runs.
    assert.deepEqual(payload, { iss: CLIENT_ID, sub: CLIENT_ID, aud: TOKEN_ENDPOINT, act: { sub: USER_ID, email: 'alice@corp.example.com' } });
    assert.ok(!text.includes(SECRET_LOOKING));
  });

  it('uses a key file variable and the kid for private_key_jwt', () => {
    const text = curlTokenRequest(connection({ authMethod: 'private_key_jwt', kid: 'agent-key-1' }), undefined, ['finance.read']);
    assert.ok(text.includes(`--key "$${CURL_VARIABLES.privateKeyFile}" --kid 'agent-key-1'`));
    assert.match(text, /no human \(AGBAC denies a token without act\)/);
    assert.ok(!/"act"/.test(text));
  });

  it('quotes what settings hold, so the snippet is valid shell whatever they contain', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    const text = curlTokenRequest(connection({ name: "Evil'; rm -rf / #\nnext", scopes: ["a'b", '$(id)'] }), { id: USER_ID, email: "o'brien$(id)@corp.example.com" }, ["a'b", '$(touch /tmp/x)']);
    const syntax = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    assert.ok(text.includes(`--data-urlencode 'scope=a'\\''b $(touch /tmp/x)'`));
    assert.ok(!text.split('\n').some((line) => line === 'next'), 'a newline in a name breaks out of the comment');
  });
});

describe('log redaction', () => {
  it('shortens whole JWTs, cuts private keys and private JWK members, and blanks known secrets', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2ExMjMifQ.c2lnbmF0dXJlLXBhcnQtYWJjZGVm';
    assert.equal(redact(`got ${token} back`), 'got eyJhbGci…YWJjZGVm back'.replace('YWJjZGVm', token.slice(-6)));
    assert.equal(redact('-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY----- after'), '[private key] after');
    assert.equal(redact('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE (cut off'), '[private key]');
    assert.equal(redact('{"kty":"EC","d":"abc_DEF-123","x":"pub"}'), '{"kty":"EC","d":"[redacted]","x":"pub"}');
    assert.equal(redact('secret is s3cr3t-value-1234 and s3cr3t-value-1234', ['s3cr3t-value-1234']), 'secret is [secret] and [secret]');
  });
});

describe('reports', () => {
  const checks: Check[] = [
    { id: 'server-exists', title: 'Authorization server exists', status: 'pass', detail: 'AGBAC-AS (aus1)' },
    { id: 'scopes', title: 'Scopes exist', status: 'fail', detail: 'missing on AGBAC-AS: a|b', why: 'Okta answers invalid_scope.', fix: 'Add the scope a|b.', guideStep: 'Step 2' },
    { id: 'probe', title: 'Live token request', status: 'skip', detail: 'no client secret or private key given' },
  ];

  it('the doctor\'s: a table of every check, then each failure with why, fix and guide step', () => {
    const text = doctorReport(connection(), checks, USER_ID, NOW);
    assert.match(text, /^# AGBAC doctor: Acme\n/);
    assert.ok(text.includes('**1 passed, 1 failed, 1 skipped**'));
    assert.ok(text.includes('| ✓ | Authorization server exists | AGBAC-AS (aus1) |  |'));
    assert.ok(text.includes('| ✗ | Scopes exist | missing on AGBAC-AS: a\\|b | Step 2 |'));
    assert.ok(text.includes('| – | Live token request | skipped: no client secret or private key given |  |'));
    assert.ok(text.includes('### ✗ Scopes exist (Step 2)\n\n- Found: missing on AGBAC-AS: a|b\n- Why it matters: Okta answers invalid_scope.\n- Fix: Add the scope a|b.'));
    assert.ok(text.includes(`human \`${USER_ID}\` · 2026-01-02T10:00:00Z`));
  });

  it('provisioning\'s: the plan says nothing changed yet; applied, what was done; empty, that the org matches', () => {
    const changes = [{ action: 'create' as const, target: 'scope finance.read', detail: 'on the authorization server' }];
    const notes = [{ target: 'server AGBAC-AS', message: 'its audience is x' }];
    assert.match(provisionReport(connection(), changes, notes, false), /the plan\n\nOrg .*Nothing has been changed yet[\s\S]*1\. \*\*create\*\* scope finance\.read: on the authorization server[\s\S]*- server AGBAC-AS: its audience is x/);
    assert.match(provisionReport(connection(), changes, [], true), /applied\n\nOrg .*These changes were made/);
    assert.match(provisionReport(connection(), [], [], false), /Nothing to change: the org already matches the setup guide\./);
  });
});
