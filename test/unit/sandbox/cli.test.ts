/** `agbac sandbox` as users run it: the bundled CLI in a child process. */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildAssertion, signAssertion } from '../../../src/core';
import { DEFAULT_IDS } from '../../../src/sandbox';
import { ASSERTION_TYPE, postForm, start } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist', 'cli.js');

interface Running {
  readonly child: ChildProcess;
  /** `Label: value` lines of the banner. */
  readonly info: Map<string, string>;
  readonly banner: string;
  readonly stderr: () => string;
}

/** Starts `agbac sandbox …` and waits for its banner. */
async function run(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no banner after 15 s; stderr: ${stderr}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        done();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code}: ${stderr}`));
    });
  });
  const info = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^ {2}([A-Za-z ]+):\s+(\S+)$/.exec(line);
    if (match?.[1] && match[2]) info.set(match[1], match[2]);
  }
  return { child, info, banner: stdout, stderr: () => stderr };
}

/** Runs the CLI to completion. */
async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(running.child, 'exit') as Promise<[number | null, string | null]>;
  running.child.kill(signal);
  const [code, received] = await exited;
  if (code === null) throw new Error(`killed by ${received ?? '?'}; stderr: ${running.stderr()}`);
  return code;
}

describe('agbac sandbox', () => {
  const folders: string[] = [];
  const folder = async (name: string) => {
    const made = await mkdtemp(join(tmpdir(), name));
    folders.push(made);
    return made;
  };
  after(() => Promise.all(folders.map((made) => rm(made, { recursive: true, force: true }))));

  before(async () => {
    await promisify(execFile)(process.execPath, ['esbuild.mjs'], { cwd: ROOT });
    assert.ok(existsSync(CLI));
  });

  it('prints what a client needs, issues a token, and exits 0 on SIGINT', async () => {
    const running = await run(['--port', '0']);
    const tokenEndpoint = running.info.get('Token endpoint') ?? '';
    assert.match(tokenEndpoint, /^http:\/\/127\.0\.0\.1:\d+\/oauth2\/aus123abc456\/v1\/token$/);
    assert.equal(running.info.get('Client id'), '0oa123abc456xyz');
    assert.match(running.info.get('Client secret') ?? '', /^[A-Za-z0-9_-]{64}$/);
    assert.match(running.info.get('Management API token') ?? '', /^00[A-Za-z0-9]{40}$/);
    assert.equal(running.info.get('Issuer'), tokenEndpoint.replace(/\/v1\/token$/, ''));
    assert.ok(running.banner.includes(`Bob ${DEFAULT_IDS.bob} (not in FinanceUsers)`), running.banner);

    const now = Math.floor(Date.now() / 1000);
    const payload = buildAssertion({ clientId: '0oa123abc456xyz', tokenEndpoint, human: { id: DEFAULT_IDS.alice }, now, jti: crypto.randomUUID() });
    const assertion = await signAssertion(payload, { kind: 'secret', secret: running.info.get('Client secret') ?? '' });
    const answer = await postForm(tokenEndpoint, { grant_type: 'client_credentials', scope: 'finance.read', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));

    const users = await fetch(`${running.info.get('Org URL') ?? ''}/api/v1/users/alice@corp.example.com`, {
      headers: { authorization: `SSWS ${running.info.get('Management API token') ?? ''}` },
    });
    assert.equal(users.status, 200);

    assert.equal(await stop(running, 'SIGINT'), 0);
    assert.match(running.stderr(), /sandbox: POST \/oauth2\/aus123abc456\/v1\/token 200/);
    assert.doesNotMatch(running.stderr(), new RegExp(running.info.get('Client secret') ?? 'unused'));
  });

  it('takes the credentials given, serves HTTPS with --tls, and exits 0 on SIGTERM', async () => {
    const dir = await folder('agbac-cli-tls-');
    const secretFile = join(dir, 'secret.txt');
    await writeFile(secretFile, `${'s'.repeat(64)}\n`);
    const apiToken = '00apiTokenForTheTest0000000000000000000000';
    const running = await run(['--tls', '--tls-dir', dir, '--client-secret-file', secretFile, '--api-token-env', 'SANDBOX_API_TOKEN', '--accept-issuer-audience'], { SANDBOX_API_TOKEN: apiToken });
    assert.match(running.info.get('Org URL') ?? '', /^https:\/\//);
    // Given secrets are used and never printed.
    assert.match(running.banner, /Client secret: +\(the one given\)/);
    assert.ok(!running.banner.includes('s'.repeat(64)) && !running.banner.includes(apiToken), running.banner);
    const ca = await readFile(join(dir, 'agbac-sandbox-ca.pem'), 'utf8');
    const orgUrl = running.info.get('Org URL') ?? '';
    const users = await new Promise<number>((done, fail) => {
      const request = httpsGet(`${orgUrl}/api/v1/users`, { ca, headers: { authorization: `SSWS ${apiToken}` } }, (response) => {
        response.resume();
        done(response.statusCode ?? 0);
      });
      request.on('error', fail);
    });
    assert.equal(users, 200, 'the API token given is the one the sandbox takes');
    assert.equal(running.info.get('CA file'), join(dir, 'agbac-sandbox-ca.pem'));
    assert.ok(existsSync(join(dir, 'agbac-sandbox-ca.pem')));
    assert.match(running.banner, /NODE_EXTRA_CA_CERTS=/);
    assert.match(running.banner, /the token endpoint or the issuer/);
    assert.equal(await stop(running, 'SIGTERM'), 0);
  });

  it('exits 1 with one line when the port is in use', async () => {
    const busy = await start();
    try {
      const port = new URL(busy.orgUrl).port;
      const result = await runToEnd(['--port', port]);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', new RegExp(`^agbac sandbox: port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      await busy.close();
    }
  });

  it('exits 1 with one line for a bad seed, and 2 for bad flags', async () => {
    const dir = await folder('agbac-cli-seed-');
    const file = join(dir, 'seed.json');
    await writeFile(file, JSON.stringify({ authorizationServers: [{ name: 'X' }], apps: [] }));
    const bad = await runToEnd(['--seed', file]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /the seed is not valid: .*audiences/);
    const usage = await runToEnd(['--port', 'eighty']);
    assert.equal(usage.code, 2);
    const tlsDirAlone = await runToEnd(['--tls-dir', dir]);
    assert.equal(tlsDirAlone.code, 2);
  });

  it('refuses secrets on the command line without repeating them, and secret files that are no files', async () => {
    const secret = 'TopSecretValueThatMustNotBeEchoed0123456789';
    for (const flag of ['--client-secret', '--api-token']) {
      const refused = await runToEnd([flag, secret]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, new RegExp(`^agbac sandbox: ${flag} no longer takes the secret on the command line .*${flag}-env VAR or ${flag}-file FILE`));
      assert.ok(!refused.stderr.includes(secret), refused.stderr);
    }
    const valueAsName = await runToEnd(['--api-token-env', '00abc-secret value']);
    assert.equal(valueAsName.code, 2);
    assert.match(valueAsName.stderr, /--api-token-env takes the NAME of an environment variable/);
    assert.ok(!valueAsName.stderr.includes('00abc'), valueAsName.stderr);
    const unset = await runToEnd(['--client-secret-env', 'AGBAC_TEST_UNSET_VARIABLE']);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /named by --client-secret-env is not set/);
    const device = await runToEnd(['--client-secret-file', '/dev/zero']);
    assert.equal(device.code, 1);
    assert.match(device.stderr, /--client-secret-file: cannot read \/dev\/zero: not a regular file \(a character device\)/);
  });
});
