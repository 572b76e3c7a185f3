/** The bundled `agbac` executable end to end: output contracts and exit codes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compactVerify, type CryptoKey, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importSPKI, SignJWT } from 'jose';
import type { Log } from 'sarif';
import { agbac, ROOT, type Run } from './run-cli';
import { goodToken, ISSUER, API_AUDIENCE, CLIENT_ID, USER_ID, goodAssertion, NOW } from '../fixtures';

const AT_FIXTURE_TIME = ['--now', '2026-01-02T10:00:00Z'];

/** Errors are one line, never a stack trace. */
function assertOneLineError(run: Run, status: number, pattern: RegExp): void {
  assert.equal(run.status, status, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] ?? '', pattern);
  assert.ok(!run.stderr.includes('    at '), 'no stack trace');
}

let dir: string;
let keyFiles: { jwks: string; pem: string; privatePem: string };
let token: string;
let privateKey: CryptoKey;

before(async () => {
  assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT }).status, 0, 'build');
  dir = mkdtempSync(join(tmpdir(), 'agbac-cli-'));
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  keyFiles = { jwks: join(dir, 'jwks.json'), pem: join(dir, 'public.pem'), privatePem: join(dir, 'agent.pem') };
  writeFileSync(keyFiles.jwks, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] }));
  writeFileSync(keyFiles.pem, await exportSPKI(pair.publicKey));
  writeFileSync(keyFiles.privatePem, await exportPKCS8(pair.privateKey));
  token = await new SignJWT(goodToken()).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
});

describe('agbac', () => {
  it('prints help for itself and every command', async () => {
    const overview = await agbac(['--help']);
    assert.equal(overview.status, 0);
    for (const command of ['lint', 'decode', 'sign', 'token', 'verify', 'doctor', 'provision', 'whois', 'sandbox', 'demo', 'explain']) {
      assert.match(overview.stdout, new RegExp(`\\n  ${command} `));
      const help = await agbac([command, '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, new RegExp(`^agbac ${command}`));
    }
  });

  it('exits 2 with one line on an unknown command or option', async () => {
    assertOneLineError(await agbac(['frobnicate']), 2, /unknown command "frobnicate"/);
    assertOneLineError(await agbac(['lint', '--bogus', 'examples']), 2, /agbac lint: Unknown option '--bogus'/);
    assert.equal((await agbac([])).status, 2);
  });
});

describe('agbac lint', () => {
  it('finds each example mistake at its line (json contract)', async () => {
    const run = await agbac(['lint', 'examples', '--format', 'json', ...AT_FIXTURE_TIME]);
    assert.equal(run.status, 1, 'errors found');
    const findings = JSON.parse(run.stdout) as Record<string, unknown>[];
    for (const finding of findings) {
      for (const key of ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']) assert.ok(key in finding, key);
    }
    const at = (file: string, code: string) => findings.find((f) => f.file === file && f.code === code);
    assert.deepEqual(
      { line: at('examples/guide-example.assertion.json', 'AGBAC010')?.line, column: at('examples/guide-example.assertion.json', 'AGBAC010')?.column },
      { line: 4, column: 10 },
    );
    const expected: [string, string][] = [
      ['examples/guide-python-output.assertion.json', 'AGBAC027'],
      ['examples/mistakes/email-as-act-sub.assertion.json', 'AGBAC031'],
      ['examples/mistakes/human-in-sub.assertion.json', 'AGBAC006'],
      ['examples/mistakes/api-audience-as-aud.assertion.json', 'AGBAC011'],
      ['examples/mistakes/exp-in-milliseconds.assertion.json', 'AGBAC018'],
      ['examples/mistakes/quoted-times.assertion.json', 'AGBAC016'],
      ['examples/mistakes/one-day-lifetime.assertion.json', 'AGBAC018'],
      ['examples/mistakes/missing-act.assertion.json', 'AGBAC028'],
      ['examples/mistakes/act-as-string.assertion.json', 'AGBAC029'],
      ['examples/mistakes/no-jti.assertion.json', 'AGBAC024'],
      ['examples/mistakes/http-audience.assertion.json', 'AGBAC014'],
      ['examples/mistakes/batch.json', 'AGBAC010'],
      ['examples/mistakes/unsigned-assertion-in-config.json', 'AGBAC060'],
      ['examples/mistakes/token-without-act.token.json', 'AGBAC113'],
    ];
    for (const [file, code] of expected) assert.ok(at(file, code), `${code} in ${file}`);
    assert.deepEqual(findings.filter((f) => f.file === 'examples/good.assertion.json'), [], 'the good example is clean at its own time');
    assert.deepEqual(findings.filter((f) => f.file === 'examples/agbac-1.0.assertion.json'), []);
  });

  it('prints file:line:col severity code message, and exits 0 without errors', async () => {
    const run = await agbac(['lint', 'examples/guide-example.assertion.json', ...AT_FIXTURE_TIME]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^examples\/guide-example\.assertion\.json:4:10 error AGBAC010 `aud` is the authorization server's issuer URL/m);
    assert.equal((await agbac(['lint', 'examples/good.assertion.json', ...AT_FIXTURE_TIME])).status, 0);
  });

  it('checks the agbac-1.0 profile and a known client id', async () => {
    const guide = await agbac(['lint', 'examples/good.assertion.json', '--profile', 'agbac-1.0', '--format', 'json', ...AT_FIXTURE_TIME]);
    assert.deepEqual((JSON.parse(guide.stdout) as { code: string }[]).map((f) => f.code), ['AGBAC040', 'AGBAC046']);
    const other = await agbac(['lint', 'examples/good.assertion.json', '--client-id', '0oaSOMEONEELSE12345', '--format', 'json', ...AT_FIXTURE_TIME]);
    assert.deepEqual((JSON.parse(other.stdout) as { code: string }[]).map((f) => f.code), ['AGBAC007', 'AGBAC007']);
  });

  it('writes SARIF 2.1.0 with the same results and the catalogue as rules', async () => {
    const json = JSON.parse((await agbac(['lint', 'examples', '--format', 'json', ...AT_FIXTURE_TIME])).stdout) as unknown[];
    const sarif = JSON.parse((await agbac(['lint', 'examples', '--format', 'sarif', ...AT_FIXTURE_TIME])).stdout) as Log;
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.ok(run);
    assert.equal(run.results?.length, json.length);
    const first = run.results?.[0];
    assert.equal(run.tool.driver.rules?.[first?.ruleIndex ?? -1]?.id, first?.ruleId);
    assert.ok(first?.locations?.[0]?.physicalLocation?.region?.startLine);
  });

  it('reads standard input and forces the kind by file name or --kind', async () => {
    const run = await agbac(['lint', '-', '--kind', 'assertion', '--format', 'json', ...AT_FIXTURE_TIME], { input: '{}' });
    assert.equal(run.status, 1);
    assert.equal((JSON.parse(run.stdout) as { file: string }[])[0]?.file, '<stdin>');
  });

  it('reports unreadable inputs and bad options in one line', async () => {
    const missing = await agbac(['lint', 'no/such/file.json']);
    assert.equal(missing.status, 1);
    assert.equal(missing.stdout.trim(), 'no/such/file.json:1:1 error AGBAC091 Cannot read the file: no such file or folder');
    assertOneLineError(await agbac(['lint', 'examples', '--profile', 'strict']), 2, /--profile must be okta-guide or agbac-1.0/);
    assertOneLineError(await agbac(['lint', 'examples', '--now', 'yesterday']), 2, /--now must be/);
    assertOneLineError(await agbac(['lint']), 2, /at least one file/);
  });
});

describe('agbac decode', () => {
  it('prints header, payload and the times in words, from an argument or stdin', async () => {
    const run = await agbac(['decode', token, ...AT_FIXTURE_TIME]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /"kid": "k1"/);
    assert.match(run.stdout, /"act": \{\n\s+"sub": "00u1a2b3c4d5e6f7g8h"/);
    assert.match(run.stdout, /exp\s+2026-01-02T10:59:00Z\s+\(in 59 min\)/);
    assert.ok(!run.stdout.includes(token), 'never echoes the token');
    const json = JSON.parse((await agbac(['decode', '-', '--format', 'json', ...AT_FIXTURE_TIME], { input: `${token}\n` })).stdout) as { payload: { sub: string }; times: unknown[] };
    assert.equal(json.payload.sub, CLIENT_ID);
    assert.equal(json.times.length, 2);
  });

  it('says precisely why a token does not decode', async () => {
    assertOneLineError(await agbac(['decode', 'eyJhbGciOiJIUzI1NiJ9.eyJ+.sig']), 1, /not a readable JWT: payload: invalid base64url character "\+" at offset 24/);
  });
});

describe('agbac sign', () => {
  const payloadFile = () => {
    const file = join(dir, 'payload.assertion.json');
    writeFileSync(file, JSON.stringify(goodAssertion({ iat: NOW, exp: NOW + 300 })));
    return file;
  };

  it('signs with the client secret from the environment (HS256)', async () => {
    const secret = 's'.repeat(64);
    const run = await agbac(['sign', payloadFile(), '--secret-env', 'AGENT_SECRET'], { env: { AGENT_SECRET: secret } });
    assert.equal(run.status, 0, run.stderr);
    const jwt = run.stdout.trim();
    const { protectedHeader } = await compactVerify(jwt, new TextEncoder().encode(secret));
    assert.equal(protectedHeader.alg, 'HS256');
    assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret), 'the secret is never printed');
  });

  it('signs with a PEM private key and kid, refreshing the times', async () => {
    const run = await agbac(['sign', payloadFile(), '--key', keyFiles.privatePem, '--kid', 'agent-key-1', '--refresh']);
    assert.equal(run.status, 0, run.stderr);
    const { payload, protectedHeader } = await compactVerify(run.stdout.trim(), await importSPKI(readFileSync(keyFiles.pem, 'utf8'), 'RS256'));
    assert.equal(protectedHeader.kid, 'agent-key-1');
    const claims = JSON.parse(new TextDecoder().decode(payload)) as { iat: number; exp: number; jti: string };
    assert.ok(claims.iat > NOW, 'iat refreshed to the real clock');
    assert.equal(claims.exp - claims.iat, 300);
    assert.notEqual(claims.jti, goodAssertion().jti);
  });

  it('warns on standard error about what Okta would refuse, and still signs', async () => {
    const file = join(dir, 'issuer-aud.json');
    writeFileSync(file, JSON.stringify(goodAssertion({ aud: ISSUER })));
    const run = await agbac(['sign', file, '--secret-env', 'S', '--refresh'], { env: { S: 'x'.repeat(32) } });
    assert.equal(run.status, 0);
    assert.match(run.stderr, /error: AGBAC010/);
  });

  it('refuses missing, doubled or weak credentials in one line', async () => {
    assertOneLineError(await agbac(['sign', payloadFile(), '--secret-env', 'UNSET_VAR']), 1, /the environment variable named by --secret-env is not set or empty/);
    assertOneLineError(await agbac(['sign', payloadFile(), '--secret-env', 'S', '--key', keyFiles.privatePem]), 2, /not both/);
    assertOneLineError(await agbac(['sign', payloadFile(), '--secret-env', 'S'], { env: { S: 'short' } }), 1, /needs a secret of at least 32 bytes/);
    assertOneLineError(await agbac(['sign', payloadFile(), '--secret-env', 'my secret value']), 2, /takes the NAME of an environment variable/);
    assertOneLineError(await agbac(['sign', payloadFile()]), 2, /give the signing credential/);
  });
});

describe('agbac verify', () => {
  const base = ['--issuer', ISSUER, '--audience', API_AUDIENCE, '--scope', 'finance.read', ...AT_FIXTURE_TIME];
  let server: Server;
  let jwksUrl: string;

  before(async () => {
    server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(readFileSync(keyFiles.jwks));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/aus1/v1/keys`;
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  it('allows (exit 0) with a JWKS file, a PEM file, or a JWKS URL on loopback', async () => {
    for (const jwks of [keyFiles.jwks, keyFiles.pem, jwksUrl]) {
      const run = await agbac(['verify', token, '--jwks', jwks, '--agent', CLIENT_ID, '--human', USER_ID, ...base]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^ALLOW {2}agent 0oa1b2c3d4e5f6g7h8i9 {2}human 00u1a2b3c4d5e6f7g8h/);
    }
  });

  it('denies (exit 1) with every failed rule, in text and json', async () => {
    const text = await agbac(['verify', token, '--jwks', keyFiles.jwks, '--agent', CLIENT_ID, '--human', '00uSOMEONEELSE123456', '--scope', 'finance.write', ...base]);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /^DENY/);
    assert.match(text.stdout, /✗ AGBAC112 Scope "finance.write" was not granted/);
    assert.match(text.stdout, /✗ AGBAC115 The human "00u1a2b3c4d5e6f7g8h" is not approved/);
    const json = JSON.parse((await agbac(['verify', token, '--jwks', keyFiles.jwks, '--agent', CLIENT_ID, '--human', '00uSOMEONEELSE123456', '--format', 'json', ...base])).stdout) as {
      decision: string; findings: { code: string }[]; audit: { decision: string; human_id: string };
    };
    assert.equal(json.decision, 'DENY');
    assert.deepEqual(json.findings.map((f) => f.code), ['AGBAC115']);
    assert.equal(json.audit.decision, 'DENY');
  });

  it('checks the round trip of act against the assertion', async () => {
    const assertion = await new SignJWT(goodAssertion({ act: { sub: '00u9y8x7w6v5u4t3s2r' } })).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)));
    const run = await agbac(['verify', token, '--jwks', keyFiles.jwks, '--assertion', assertion, '--format', 'json', ...base]);
    assert.equal(run.status, 1);
    assert.ok((JSON.parse(run.stdout) as { findings: { code: string }[] }).findings.some((f) => f.code === 'AGBAC116'));
  });

  it('exits 2 on usage errors, with one line', async () => {
    assertOneLineError(await agbac(['verify', token, '--jwks', keyFiles.jwks, '--audience', API_AUDIENCE]), 2, /--issuer is required/);
    assertOneLineError(await agbac(['verify', token, '--jwks', 'http://example.com/keys', ...base]), 2, /must use https/);
    assertOneLineError(await agbac(['verify', token, '--jwks', keyFiles.jwks, '--mapping', 'keycloak', ...base]), 2, /--mapping must be/);
  });
});

describe('agbac explain', () => {
  it('explains a rule by code or name, lists them all, and refuses unknown ones', async () => {
    const byCode = await agbac(['explain', 'agbac010']);
    assert.equal(byCode.status, 0);
    assert.match(byCode.stdout, /^AGBAC010 aud-is-issuer \(error\)/);
    assert.match(byCode.stdout, /must be the endpoint invoked for the request/);
    assert.equal((await agbac(['explain', 'aud-is-issuer'])).stdout, byCode.stdout);
    const list = await agbac(['explain', '--list']);
    assert.match(list.stdout, /^AGBAC000\s+error\s+json-invalid$/m);
    assertOneLineError(await agbac(['explain', 'AGBAC999']), 2, /no rule "AGBAC999"/);
  });
});
