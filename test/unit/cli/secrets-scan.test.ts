/**
 * No secret leaks from a whole session of the CLI. A scripted flow runs the bundled `agbac` the way
 * a person would (the sandbox, token, verify, decode, doctor, provision, whois, sign, and the usual
 * mistakes; a person's sign-in, the exchange of their token, a delegation policy), with its working
 * folder, HOME and TMPDIR in fresh folders; then every stream of every
 * command and every file any of them wrote is scanned for the client secret, the API token, the
 * private key material and every whole token issued. The only places a secret may appear are the
 * outputs that exist to deliver it: `agbac token`, `agbac login` and `agbac sign` print the token
 * asked for, `provision --key-out` writes the private key it generated, and the sandbox's banner
 * prints the development password of its people. Everything else must have zero hits.
 *
 * The same flow checks progress: with AGBAC_PROGRESS=1 the slow commands say what they are doing
 * on standard error; without it (not a terminal) they are silent.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, ROOT } from './run-cli';
import { DEFAULT_IDS } from '../../../src/sandbox';
import { fakeServer, json } from '../oauth/fake-server';

const CLIENT_SECRET = 'Zq8vN3xR7mT1yW6zB0cF4hJ9lP2sD5gA7eU1iO3rX8wY0tZ6nM9bV2cQ4kL7jH5f';
const API_TOKEN = '00SecretApiTokenForTheScan0123456789abcdef';
const ALICE = DEFAULT_IDS.alice;

interface Recorded {
  readonly label: string;
  readonly args: string[];
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('a scripted CLI session leaks no secret', () => {
  let base: string;
  let work: string;
  let env: Record<string, string>;
  let sandbox: ChildProcess;
  let sandboxOut = '';
  let sandboxErr = '';
  let info: Map<string, string>;
  const runs: Recorded[] = [];
  const tokens: string[] = [];
  /** The seeded people's development password, as the sandbox printed it. */
  const password = () => /^ {2}Password for seeded users: (\S+)$/m.exec(sandboxOut)?.[1] ?? 'no password printed';
  const signInApp = () => /^ {2}Sign-in app: (\S+)$/m.exec(sandboxOut)?.[1] ?? '';

  /** Runs the CLI in the session's folders and records both streams. */
  async function agbac(label: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Recorded> {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: work, env: { ...env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    const [status] = (await once(child, 'close')) as [number | null];
    const run = { label, args, status, stdout, stderr };
    runs.push(run);
    return run;
  }

  before(async () => {
    assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0, 'build');
    base = mkdtempSync(join(tmpdir(), 'agbac-scan-'));
    work = join(base, 'work');
    for (const folder of ['work', 'home', 'tmp']) mkdirSync(join(base, folder));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: join(base, 'home'),
      TMPDIR: join(base, 'tmp'),
      AGENT_SECRET: CLIENT_SECRET,
      OKTA_API_TOKEN: API_TOKEN,
    };
    sandbox = spawn(process.execPath, [CLI, 'sandbox', '--client-secret-env', 'AGENT_SECRET', '--api-token-env', 'OKTA_API_TOKEN', '--tls'], { cwd: work, env });
    sandbox.stderr?.on('data', (chunk: Buffer) => (sandboxErr += chunk.toString('utf8')));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no banner: ${sandboxErr}`)), 20_000);
      sandbox.stdout?.on('data', (chunk: Buffer) => {
        sandboxOut += chunk.toString('utf8');
        if (sandboxOut.includes('Press Ctrl+C to stop.')) {
          clearTimeout(timer);
          done();
        }
      });
    });
    info = new Map([...sandboxOut.matchAll(/^ {2}([A-Za-z ]+):\s+(\S+)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
    env.NODE_EXTRA_CA_CERTS = info.get('CA file') ?? '';
  });

  after(async () => {
    if (sandbox.exitCode === null) {
      sandbox.kill('SIGTERM');
      await once(sandbox, 'exit');
    }
  });

  it('runs the flow', async () => {
    const issuer = info.get('Issuer') ?? '';
    const orgUrl = info.get('Org URL') ?? '';
    const org = ['--org-url', orgUrl, '--api-token-env', 'OKTA_API_TOKEN'];
    const tokenArgs = ['token', '--token-endpoint', info.get('Token endpoint') ?? '', '--client-id', info.get('Client id') ?? '', '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read', '--act-sub', ALICE];

    const issued = await agbac('token', tokenArgs);
    assert.equal(issued.status, 0, issued.stderr);
    const token = issued.stdout.trim();
    tokens.push(token);
    const asJson = await agbac('token json', [...tokenArgs, '--format', 'json']);
    tokens.push((JSON.parse(asJson.stdout) as { access_token: string }).access_token);

    const verifyArgs = ['verify', '-', '--issuer', issuer, '--audience', DEFAULT_IDS.audience, '--scope', 'finance.read', '--agent', DEFAULT_IDS.clientId, '--group', 'FinanceUsers', ...org];
    assert.equal((await agbac('verify', verifyArgs, { input: token })).status, 0);
    assert.equal((await agbac('verify json', [...verifyArgs, '--format', 'json'], { input: token })).status, 0);
    const tampered = `${token.slice(0, -8)}AAAAAAAA`;
    assert.equal((await agbac('verify tampered', verifyArgs, { input: tampered })).status, 1);
    assert.equal((await agbac('decode', ['decode', '-'], { input: token })).status, 0);
    assert.equal((await agbac('decode json', ['decode', '-', '--format', 'json'], { input: token })).status, 0);

    const doctorArgs = ['doctor', ...org, '--auth-server', DEFAULT_IDS.authServerId, '--client-id', info.get('Client id') ?? '', '--client-secret-env', 'AGENT_SECRET', '--audience', DEFAULT_IDS.audience, '--act-sub', ALICE, '--group', 'FinanceUsers'];
    const doctor = await agbac('doctor', doctorArgs, { env: { AGBAC_PROGRESS: '1' } });
    assert.equal(doctor.status, 0, doctor.stdout + doctor.stderr);
    assert.match(doctor.stderr, /^agbac doctor: checking the authorization server…$/m);
    assert.match(doctor.stderr, /^agbac doctor: probe: requesting a token…$/m);
    const quiet = await agbac('doctor json', [...doctorArgs, '--format', 'json']);
    assert.equal(quiet.stderr, '', 'no progress when standard error is not a terminal');

    // Delegation a person gave: their sign-in (the password from the environment), the exchange, a policy, the doctor.
    const login = await agbac('login', ['login', '--issuer', issuer, '--client-id', signInApp(), '--username', DEFAULT_IDS.aliceLogin, '--password-env', 'ALICE_PASSWORD', '--scope', 'openid', '--scope', 'finance.read'], { env: { ALICE_PASSWORD: password() } });
    assert.equal(login.status, 0, login.stderr);
    const personal = login.stdout.trim();
    tokens.push(personal);
    const exchanged = await agbac('token exchange', ['token', '--flow', 'token-exchange', '--subject-token', '-', '--token-endpoint', info.get('Token endpoint') ?? '', '--client-id', info.get('Client id') ?? '', '--client-secret-env', 'AGENT_SECRET', '--scope', 'finance.read'], { input: personal });
    assert.equal(exchanged.status, 0, exchanged.stderr);
    tokens.push(exchanged.stdout.trim());
    writeFileSync(join(work, 'policy.agbac-policy.yaml'), `version: 1\ndelegations:\n  - agents: [${DEFAULT_IDS.clientId}]\n    humans: { groups: [FinanceUsers] }\nexplicitScopes: [finance.read]\n`);
    const policy = await agbac('verify policy', ['verify', '-', '--issuer', issuer, '--audience', DEFAULT_IDS.audience, '--scope', 'finance.read', '--policy', 'policy.agbac-policy.yaml', ...org, '--format', 'json'], { input: exchanged.stdout.trim() });
    assert.equal(policy.status, 0, policy.stdout);
    const exchangeDoctor = await agbac('doctor exchange', ['doctor', ...org, '--auth-server', DEFAULT_IDS.authServerId, '--client-id', info.get('Client id') ?? '', '--client-secret-env', 'AGENT_SECRET', '--audience', DEFAULT_IDS.audience, '--act-via', 'token-exchange', '--subject-token', '-'], { input: personal });
    assert.equal(exchangeDoctor.status, 0, exchangeDoctor.stdout);
    await agbac('login wrong password', ['login', '--issuer', issuer, '--client-id', signInApp(), '--username', DEFAULT_IDS.aliceLogin, '--password-env', 'ALICE_PASSWORD'], { env: { ALICE_PASSWORD: `${password()}x`, AGBAC_DEBUG: '1' } });
    await agbac('password as name', ['login', '--issuer', issuer, '--client-id', signInApp(), '--username', DEFAULT_IDS.aliceLogin, '--password-env', password()]);

    assert.equal((await agbac('provision plan', ['provision', ...org, '--audience', DEFAULT_IDS.audience, '--dry-run'])).status, 0);
    const provisioned = await agbac('provision', ['provision', ...org, '--audience', 'https://api.example.com/other', '--client-id', '0oaNEWAGENTNOTTHERE1', '--key-out', 'agent-key.pem', '--kid', 'scan-1'], { env: { AGBAC_PROGRESS: '1' } });
    assert.equal(provisioned.status, 0, provisioned.stderr);
    assert.match(provisioned.stderr, /^agbac provision: reading the authorization servers…$/m);
    assert.equal((await agbac('whois', ['whois', 'alice@corp.example.com', ...org])).status, 0);

    writeFileSync(join(work, 'payload.assertion.json'), JSON.stringify({ iss: 'a', sub: 'a', aud: info.get('Token endpoint'), act: { sub: ALICE } }));
    const signed = await agbac('sign', ['sign', 'payload.assertion.json', '--secret-env', 'AGENT_SECRET', '--refresh']);
    assert.equal(signed.status, 0, signed.stderr);
    tokens.push(signed.stdout.trim());
    assert.equal((await agbac('lint', ['lint', '.', '--format', 'sarif'])).status, 1);

    // The usual mistakes: a wrong secret, a secret typed where its name belongs, debugging on.
    await agbac('token wrong secret', tokenArgs, { env: { AGENT_SECRET: `${CLIENT_SECRET.slice(0, -1)}X`, AGBAC_DEBUG: '1' } });
    await agbac('secret as name', [...tokenArgs.slice(0, -6), '--client-secret-env', CLIENT_SECRET, '--scope', 'finance.read']);
    await agbac('api token as name', ['whois', 'alice', '--org-url', orgUrl, '--api-token-env', API_TOKEN]);
    await agbac('wrong api token', ['whois', 'alice', ...org], { env: { OKTA_API_TOKEN: `${API_TOKEN}x`, AGBAC_DEBUG: '1' } });

    sandbox.kill('SIGTERM');
    await once(sandbox, 'exit');
  });

  it('finds no secret, key or whole token anywhere but in the outputs that deliver them', () => {
    const key = readFileSync(join(work, 'agent-key.pem'), 'utf8');
    const keyLines = key.split('\n').filter((line) => line.length > 40 && !line.startsWith('-----'));
    assert.ok(keyLines.length > 5, 'the key was written');
    assert.ok(tokens.length >= 3 && tokens.every((token) => token.split('.').length === 3));
    const needles: [string, string][] = [
      ['the client secret', CLIENT_SECRET],
      ['the API token', API_TOKEN],
      ['the seeded people\'s password', password()],
      ...keyLines.map((line, index): [string, string] => [`private key line ${index + 1}`, line]),
      ...tokens.flatMap((token, index): [string, string][] => [[`token ${index + 1}`, token], [`token ${index + 1}'s signature`, token.split('.')[2] ?? token]]),
    ];

    /** The outputs whose job is to hand over a secret (see the file comment). */
    const deliberate = (run: Recorded, stream: 'stdout' | 'stderr') => stream === 'stdout' && ['token', 'token json', 'sign', 'login', 'token exchange'].includes(run.label);
    const haystacks: [string, string][] = [
      // The sandbox's banner delivers the development password (there is no other way to learn it): that line is left out.
      ['sandbox stdout', sandboxOut.replace(/^ {2}Password for seeded users: \S+$/m, '')],
      ['sandbox stderr', sandboxErr],
      ...runs.flatMap((run): [string, string][] => [
        ...(deliberate(run, 'stdout') ? [] : [[`${run.label} stdout`, run.stdout] as [string, string]]),
        [`${run.label} stderr`, run.stderr],
      ]),
    ];
    const files: string[] = [];
    const walk = (folder: string) => {
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(base);
    for (const file of files) {
      if (relative(base, file) === join('work', 'agent-key.pem')) continue;
      haystacks.push([`file ${relative(base, file)}`, readFileSync(file, 'latin1')]);
    }
    assert.ok(files.some((file) => file.endsWith('agbac-sandbox-ca.pem')), 'the files the CLI wrote are scanned too');
    assert.ok(runs.length >= 24, String(runs.length));
    assert.ok(sandboxOut.includes(password()), 'the banner delivered the password the scan looks for');

    const hits = haystacks.flatMap(([where, text]) => needles.filter(([, needle]) => text.includes(needle)).map(([what]) => `${what} in ${where}`));
    assert.deepEqual(hits, []);
    // The deliberate outputs did carry what they deliver (the scan would notice a broken needle).
    assert.ok(runs.find((run) => run.label === 'token')?.stdout.includes(tokens[0] ?? '-'));
  });
});

describe('token retries say so', () => {
  it('prints each retry of a 503 on standard error', async () => {
    const server = await fakeServer();
    try {
      server.script(json(503, { error: 'server_error' }), json(200, { token_type: 'Bearer', access_token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', expires_in: 3600 }));
      const child = spawn(process.execPath, [CLI, 'token', '--token-endpoint', `${server.url}/oauth2/aus1/v1/token`, '--client-id', '0oa1', '--client-secret-env', 'S', '--scope', 's', '--act-sub', ALICE], {
        env: { PATH: process.env.PATH ?? '', S: 'x'.repeat(32), AGBAC_PROGRESS: '1' },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const [status] = (await once(child, 'close')) as [number | null];
      assert.equal(status, 0, stderr);
      assert.match(stderr, /^agbac token: the token endpoint answered HTTP 503; attempt 2 in \d+\.\d s…$/m);
    } finally {
      await server.close();
    }
  });
});
