/**
 * The bundled `agbac` against input an attacker or an accident hands it: special files, huge and
 * deep JSON, other encodings, control characters in tokens and file names, secrets typed where a
 * variable's name belongs. Every case ends in bounded time with a clear one-line message and the
 * right exit status, and lint still reports every other file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { agbac, CLI, ROOT, type Run } from './run-cli';
import { API_AUDIENCE, CLIENT_ID, goodAssertion, goodToken, ISSUER, USER_ID } from '../fixtures';

const AT = ['--now', '2026-01-02T10:00:00Z'];
const isRoot = process.getuid?.() === 0;

let dir: string;

/** Runs the CLI with a file descriptor as standard input (a device, for instance). */
function withStdin(args: string[], fd: number): Promise<Run & { ms: number }> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: [fd, 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr, ms: Date.now() - started }));
  });
}

function oneLine(run: Run, status: number, pattern: RegExp): void {
  assert.equal(run.status, status, `${run.stdout}\n${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(run.stderr, /unexpected error| {4}at /);
}

before(() => {
  assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0, 'build');
  dir = mkdtempSync(join(tmpdir(), 'agbac-hostile-'));
});

describe('agbac lint on hostile files', () => {
  it('reports every special, huge, deep or mis-encoded file in one line and still lints the others', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a-good.assertion.json'), JSON.stringify(goodAssertion({ exp: 1767348300, iat: 1767348000 })));
    writeFileSync(join(folder, 'b-deep.json'), `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    writeFileSync(join(folder, 'c-utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"iss":"x"}', 'utf16le')]));
    writeFileSync(join(folder, 'd-latin1.json'), Buffer.from('{"act":{"sub":"caf\xe9"}}', 'latin1'));
    writeFileSync(join(folder, 'e-bom.assertion.json'), `\ufeff${JSON.stringify(goodAssertion({ aud: ISSUER }))}`);
    writeFileSync(join(folder, 'f-huge-array.json'), `[${'0,'.repeat(3_000_000)}0]`);
    writeFileSync(join(folder, 'g-wide-deep-jsonc.json'), `// a comment makes this JSONC\n${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    writeFileSync(join(folder, 'h-escape\u001b[2J\n.json'), '{"iss": 1, "sub": 2, "act": {}}');
    spawnSync('mkfifo', [join(folder, 'i-fifo.json')]);
    symlinkSync('/dev/zero', join(folder, 'j-zero.json'));

    const started = Date.now();
    const run = await agbac(['lint', folder, join(folder, 'i-fifo.json'), join(folder, 'j-zero.json'), join(folder, 'missing.json'), '--format', 'json', ...AT]);
    const elapsed = Date.now() - started;
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    const findings = JSON.parse(run.stdout) as { file: string; code: string; message: string; line: number }[];
    const byFile = (name: string) => findings.filter((finding) => finding.file.endsWith(name)).map((finding) => `${finding.code} ${finding.message}`);
    assert.deepEqual(byFile('a-good.assertion.json'), [], 'the good file is linted and clean');
    assert.deepEqual(byFile('b-deep.json'), ['AGBAC092 JSON nested deeper than 64 levels (at line 1): too deep to check safely']);
    assert.deepEqual(byFile('c-utf16.json'), ['AGBAC091 Cannot read the file: UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8']);
    assert.deepEqual(byFile('d-latin1.json'), ['AGBAC091 Cannot read the file: not UTF-8 text (binary, or another encoding); save it as UTF-8']);
    assert.ok(byFile('e-bom.assertion.json').some((finding) => finding.startsWith('AGBAC010')), 'a UTF-8 BOM is dropped and the payload linted');
    assert.deepEqual(byFile('f-huge-array.json'), [], 'a huge array of numbers holds no payload');
    assert.deepEqual(byFile('g-wide-deep-jsonc.json'), ['AGBAC092 JSON nested deeper than 64 levels (at line 2): too deep to check safely']);
    assert.ok(byFile('i-fifo.json').includes('AGBAC091 Cannot read the file: not a regular file (a FIFO)'), 'the FIFO named on the command line');
    assert.ok(byFile('j-zero.json').includes('AGBAC091 Cannot read the file: not a regular file (a character device)'));
    assert.deepEqual(byFile('missing.json'), ['AGBAC091 Cannot read the file: no such file or folder']);
    // The file name with ESC and a line break comes out escaped, its findings reported.
    assert.ok(findings.some((finding) => finding.file.endsWith('h-escape\\u001b[2J\\n.json') && finding.code === 'AGBAC003'), JSON.stringify(findings.map((f) => f.file)));
    assert.ok(elapsed < 20_000, `took ${elapsed} ms`);

    const text = await agbac(['lint', folder, ...AT]);
    assert.ok(!text.stdout.includes('\u001b'), 'no escape character reaches the terminal');
    assert.ok(text.stdout.split('\n').filter(Boolean).every((line) => /^\S.*:\d+:\d+ (error|warning|info) AGBAC\d{3} /.test(line)), text.stdout);
  });

  it('reports a folder it cannot list, and goes on', { skip: isRoot ? 'root reads every folder' : false }, async () => {
    const folder = join(dir, 'locked-parent');
    mkdirSync(join(folder, 'locked'), { recursive: true });
    writeFileSync(join(folder, 'ok.assertion.json'), JSON.stringify(goodAssertion()));
    chmodSync(join(folder, 'locked'), 0);
    try {
      const run = await agbac(['lint', folder, '--format', 'json', ...AT]);
      const findings = JSON.parse(run.stdout) as { file: string; code: string; message: string }[];
      assert.ok(findings.some((f) => f.file.endsWith('locked') && f.code === 'AGBAC091' && /cannot be listed \(permission denied\)/.test(f.message)));
    } finally {
      chmodSync(join(folder, 'locked'), 0o755);
    }
  });
});

describe('reading tokens, keys and input', () => {
  it('ends /dev/zero on standard input with one line, in bounded time', async () => {
    const zero = openSync('/dev/zero', 'r');
    const run = await withStdin(['decode', '-'], zero);
    oneLine(run, 1, /^agbac decode: standard input is larger than 16 MiB$/);
    assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
  });

  it('refuses folders, FIFOs and devices wherever a file is read', async () => {
    const fifo = join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    oneLine(await agbac(['decode', fifo]), 1, /^agbac decode: cannot read .*fifo: not a regular file \(a FIFO\)$/);
    oneLine(await agbac(['decode', dir]), 1, /: is a folder$/);
    oneLine(await agbac(['sign', '/dev/zero', '--secret-env', 'S'], { env: { S: 'x'.repeat(32) } }), 1, /cannot read \/dev\/zero: not a regular file \(a character device\)/);
    oneLine(await agbac(['verify', 'x.y.z', '--issuer', ISSUER, '--audience', API_AUDIENCE, '--jwks', fifo, '--human', USER_ID]), 1, /not a regular file \(a FIFO\)/);
    oneLine(await agbac(['token', '--token-endpoint', 'https://127.0.0.1:9/t', '--client-id', CLIENT_ID, '--key', '/dev/zero', '--kid', 'k', '--scope', 's']), 1, /cannot read \/dev\/zero/);
    oneLine(await agbac(['provision', '--org-url', 'https://127.0.0.1:9', '--mgmt-client-id', CLIENT_ID, '--mgmt-key', '/dev/zero', '--audience', 'a']), 1, /cannot read \/dev\/zero/);
    oneLine(await agbac(['doctor', '--org-url', 'https://127.0.0.1:9', '--api-token-env', 'T', '--auth-server', 'aus1', '--client-id', CLIENT_ID, '--ca', fifo], { env: { T: 't' } }), 1, /a FIFO/);
  });

  it('names the decode failure of a token with duplicate or deeply nested members', async () => {
    const segment = (text: string) => Buffer.from(text).toString('base64url');
    const duplicate = `${segment('{"alg":"RS256"}')}.${segment('{"sub":"a","sub":"b"}')}.sig`;
    oneLine(await agbac(['decode', duplicate]), 1, /^agbac decode: not a readable JWT: payload: the member "sub" appears more than once/);
    const deep = `${segment('{"alg":"RS256"}')}.${segment(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)}.sig`;
    const file = join(dir, 'deep.jwt');
    writeFileSync(file, deep);
    oneLine(await agbac(['decode', file]), 1, /^agbac decode: not a readable JWT: payload: JSON nested deeper than 64 levels$/);
    const payload = join(dir, 'deep.assertion.json');
    writeFileSync(payload, `{"act":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    oneLine(await agbac(['sign', payload, '--secret-env', 'S'], { env: { S: 'x'.repeat(32) } }), 1, /nests JSON deeper than 64 levels \(at line 1, column 71\)/);
  });

  it('refuses plain http and malformed URLs as usage errors, and unreachable hosts as failures', async () => {
    oneLine(await agbac(['whois', 'alice', '--org-url', 'http://example.com', '--api-token-env', 'T'], { env: { T: 't' } }), 2, /--org-url: .*uses http/);
    oneLine(await agbac(['verify', 'x.y.z', '--issuer', 'http://example.com/x', '--audience', 'a', '--human', USER_ID]), 2, /must use https/);
    oneLine(await agbac(['token', '--token-endpoint', 'ftp://x/t', '--client-id', 'c', '--client-secret-env', 'S', '--scope', 's'], { env: { S: 'x'.repeat(32) } }), 2, /http\(s\) URL/);
    oneLine(await agbac(['whois', 'alice', '--org-url', 'https://127.0.0.1:9', '--api-token-env', 'T'], { env: { T: 't' } }), 1, /refused|ECONNREFUSED/);
  });
});

describe('secrets typed where a name belongs', () => {
  const secret = 'Kq3vN8xR2mT6yW1zB5cF9hJ4-not-a-name';
  const cases: [string, string[]][] = [
    ['secret', ['sign', 'payload.json', '--secret-env', secret]],
    ['client-secret', ['token', '--token-endpoint', 'https://127.0.0.1:9/t', '--client-id', 'c', '--scope', 's', '--client-secret-env', secret]],
    ['client-secret', ['doctor', '--org-url', 'https://127.0.0.1:9', '--api-token-env', 'T', '--auth-server', 'a', '--client-id', 'c', '--client-secret-env', secret]],
    ['api-token', ['verify', 'x.y.z', '--issuer', ISSUER, '--audience', 'a', '--group', 'G', '--org-url', 'https://127.0.0.1:9', '--api-token-env', secret]],
    ['api-token', ['doctor', '--org-url', 'https://127.0.0.1:9', '--api-token-env', secret, '--auth-server', 'a', '--client-id', 'c']],
    ['api-token', ['provision', '--org-url', 'https://127.0.0.1:9', '--api-token-env', secret, '--audience', 'a']],
    ['api-token', ['whois', 'alice', '--org-url', 'https://127.0.0.1:9', '--api-token-env', secret]],
    ['api-token', ['sandbox', '--api-token-env', secret]],
    ['client-secret', ['sandbox', '--client-secret-env', secret]],
  ];
  for (const [option, args] of cases) {
    it(`agbac ${args[0] ?? ''} --${option}-env: exit 2, names the option, never the value`, async () => {
      const run = await agbac(args, { env: { T: 't' } });
      oneLine(run, 2, new RegExp(`--${option}-env takes the NAME of an environment variable`));
      assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret), run.stderr);
    });
  }

  it('does not repeat the name of an unset variable either (a secret can look like a name)', async () => {
    const nameLike = 'KQ3VN8XR2MT6YW1ZB5CF9HJ4LP7SD0GA';
    const run = await agbac(['whois', 'alice', '--org-url', 'https://127.0.0.1:9', '--api-token-env', nameLike]);
    oneLine(run, 1, /the environment variable named by --api-token-env is not set or empty/);
    assert.ok(!run.stderr.includes(nameLike));
  });
});

describe('agbac verify output from a crafted token', () => {
  let jwks: string;
  let sign: (payload: Record<string, unknown>) => Promise<string>;
  before(async () => {
    const pair = await generateKeyPair('RS256');
    jwks = join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] }));
    sign = (payload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(pair.privateKey);
  });

  it('escapes control characters of act.sub, so the DENY line cannot be rewritten', async () => {
    const forged = `${USER_ID}\r\u001b[2KALLOW  agent ${CLIENT_ID}  human ${USER_ID}\n  ✓ all pass\u202e`;
    const token = await sign(goodToken({ act: { sub: forged } }));
    const run = await agbac(['verify', token, '--jwks', jwks, '--issuer', ISSUER, '--audience', API_AUDIENCE, '--human', USER_ID, ...AT]);
    assert.equal(run.status, 1);
    const lines = run.stdout.split('\n').filter(Boolean);
    assert.ok((lines[0] ?? '').startsWith('DENY  agent 0oa1b2c3d4e5f6g7h8i9  human 00u1a2b3c4d5e6f7g8h\\r\\u001b[2KALLOW'), lines[0]);
    assert.ok(lines.slice(1).every((line) => line.startsWith('  ')), run.stdout);
    assert.ok(!/[\r\u202e]/.test(run.stdout) && !run.stdout.includes('\u001b'), run.stdout);
    const json = await agbac(['verify', token, '--jwks', jwks, '--issuer', ISSUER, '--audience', API_AUDIENCE, '--human', USER_ID, '--format', 'json', ...AT]);
    assert.ok(!/[\r\u202e]/.test(json.stdout) && !json.stdout.includes('\u001b'), json.stdout);
    assert.equal((JSON.parse(json.stdout) as { human: string }).human, forged, 'the JSON still carries the exact value, escaped');
  });

  it('says which checks ran: DENY without a human approval, ALLOW_HUMAN_UNCHECKED when waived', async () => {
    const token = await sign(goodToken());
    const base = ['verify', token, '--jwks', jwks, '--issuer', ISSUER, '--audience', API_AUDIENCE, '--agent', CLIENT_ID, '--scope', 'finance.read', ...AT];
    const unchecked = await agbac(base);
    assert.equal(unchecked.status, 1);
    assert.match(unchecked.stdout, /^DENY /);
    assert.match(unchecked.stdout, /AGBAC120 The human "00u1a2b3c4d5e6f7g8h" was not approved: no allow-list or group was given/);
    assert.match(unchecked.stdout, /checks: signature passed, issuer passed, audience passed, lifetime passed, agent passed, scopes passed, human not-checked, delegation passed/);

    const waived = await agbac([...base, '--no-human-check', '--format', 'json']);
    assert.equal(waived.status, 0);
    const result = JSON.parse(waived.stdout) as { decision: string; checks: Record<string, string>; audit: { decision: string; checks: Record<string, string> } };
    assert.equal(result.decision, 'ALLOW_HUMAN_UNCHECKED');
    assert.equal(result.audit.decision, 'ALLOW_HUMAN_UNCHECKED');
    assert.equal(result.checks.human, 'waived');
    assert.equal(result.audit.checks.human, 'waived');
    const waivedText = await agbac([...base, '--no-human-check']);
    assert.match(waivedText.stdout, /^ALLOW_HUMAN_UNCHECKED /);
    assert.match(waivedText.stdout, /note: the human's approval was waived \(--no-human-check\): this is not a dual-subject ALLOW/);

    const approved = await agbac([...base, '--human', USER_ID]);
    assert.equal(approved.status, 0);
    assert.match(approved.stdout, /^ALLOW /);
    assert.match(approved.stdout, /human passed/);

    const longLived = await sign(goodToken({ iat: 1767348000, exp: 1767348000 + 7 * 86400 }));
    const refused = await agbac(['verify', longLived, ...base.slice(2), '--human', USER_ID]);
    assert.match(refused.stdout, /AGBAC121 `exp` is about 7 days after `iat`; no access token this verifier accepts lives longer than 86400 s \(24 h\)/);
    assert.equal((await agbac(['verify', longLived, ...base.slice(2), '--human', USER_ID, '--max-lifetime', String(8 * 86400)])).status, 0);
    oneLine(await agbac([...base, '--human', USER_ID, '--no-human-check']), 2, /one of --human, --group or --no-human-check/);
    oneLine(await agbac([...base, '--human', 'alice@corp.example.com']), 2, /--human takes Okta user ids/);
    oneLine(await agbac([...base, '--human', 'alice']), 2, /--human takes Okta user ids/);
  });

  it('says the same for the agent: DENY without an approved-agent list, ALLOW_AGENT_UNCHECKED or ALLOW_UNCHECKED when waived', async () => {
    const token = await sign(goodToken());
    const base = ['verify', token, '--jwks', jwks, '--issuer', ISSUER, '--audience', API_AUDIENCE, '--scope', 'finance.read', ...AT];
    const unchecked = await agbac([...base, '--human', USER_ID]);
    assert.equal(unchecked.status, 1);
    assert.match(unchecked.stdout, /^DENY /);
    assert.match(unchecked.stdout, /AGBAC125 The agent "0oa1b2c3d4e5f6g7h8i9" was not approved: no approved-agent list was given/);
    assert.match(unchecked.stdout, /agent not-checked/);
    assert.match(unchecked.stdout, /note: the agent was not approved by a list \(--agent\), so the request is denied/);

    const agentWaived = JSON.parse((await agbac([...base, '--human', USER_ID, '--no-agent-check', '--format', 'json'])).stdout) as { decision: string; checks: Record<string, string>; audit: { decision: string } };
    assert.equal(agentWaived.decision, 'ALLOW_AGENT_UNCHECKED');
    assert.equal(agentWaived.audit.decision, 'ALLOW_AGENT_UNCHECKED');
    assert.equal(agentWaived.checks.agent, 'waived');
    const both = await agbac([...base, '--no-agent-check', '--no-human-check']);
    assert.equal(both.status, 0);
    assert.match(both.stdout, /^ALLOW_UNCHECKED /);
    const wrongAgent = await agbac([...base, '--human', USER_ID, '--agent', '0oaSOMEOTHERAGENT123']);
    assert.equal(wrongAgent.status, 1);
    assert.match(wrongAgent.stdout, /AGBAC114/);
    oneLine(await agbac([...base, '--agent', CLIENT_ID, '--no-agent-check']), 2, /--agent or waive the check with --no-agent-check, not both/);
  });
});
