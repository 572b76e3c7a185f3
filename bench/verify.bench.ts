/**
 * Verification speed against bare jose: `jwtVerify` with the same key, the same algorithm list and
 * the same issuer, audience and time checks, the key prepared once as any application would. The
 * toolkit's `verifyAccessToken` also runs every AGBAC rule and builds the audit event; it should
 * still reach 0.9× jose's rate in every key form, one at a time and 32 in flight. The two are timed
 * in alternation, so the machine's drift falls on both. PyJWT (Python, one thread) is a second
 * baseline where /usr/bin/python3 has it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, importJWK, importSPKI, type JWK, jwtVerify, SignJWT } from 'jose';
import type { VerificationKeys } from '../src/core';
import { pairedMedianMsAsync, pairedRates, QUICK, type Row, shippedCore } from './lib';

const ISSUER = 'https://dev-123456.okta.com/oauth2/aus123abc456';
const AUDIENCE = 'https://api.example.com/finance';
const NOW = Math.floor(Date.now() / 1000);

async function fixture() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const pem = await exportSPKI(publicKey);
  const token = await new SignJWT({
    ver: 1,
    jti: 'AT.bench',
    cid: '0oa123abc456xyz',
    scp: ['finance.read'],
    sub: '0oa123abc456xyz',
    act: { sub: '00u8f2k4m6n8p0r2t4v', email: 'alice@corp.example.com', name: 'Alice Smith' },
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 3600)
    .sign(privateKey);
  return { jwk, pem, token };
}

/** PyJWT's rate for the same token and PEM, one thread; undefined when Python or PyJWT is missing. */
function pyjwtRate(token: string, pem: string): number | undefined {
  const script = join(tmpdir(), 'agbac-bench-pyjwt.py');
  writeFileSync(
    script,
    [
      'import sys, time, jwt',
      'token, pem, issuer, audience, seconds = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3], sys.argv[4], float(sys.argv[5])',
      'from cryptography.hazmat.primitives.serialization import load_pem_public_key',
      'key = load_pem_public_key(pem.encode())',
      'for _ in range(50): jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, audience=audience)',
      'n, start = 0, time.perf_counter()',
      'while time.perf_counter() - start < seconds:',
      '    jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, audience=audience); n += 1',
      'print(n / (time.perf_counter() - start))',
    ].join('\n'),
  );
  const pemFile = join(tmpdir(), 'agbac-bench-key.pem');
  writeFileSync(pemFile, pem);
  const run = spawnSync('/usr/bin/python3', [script, token, pemFile, ISSUER, AUDIENCE, QUICK ? '0.1' : '2'], { encoding: 'utf8' });
  const rate = Number(run.stdout.trim());
  return run.status === 0 && Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

export async function verifyBench(): Promise<Row[]> {
  const { verifyAccessToken } = shippedCore();
  const { jwk, pem, token } = await fixture();
  const checks = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] };
  const jwks = { keys: [jwk] };
  const resolver = createLocalJWKSet(jwks);
  const forms: { name: string; ours: VerificationKeys; jose: Parameters<typeof jwtVerify>[1] }[] = [
    { name: 'JWKS object', ours: jwks, jose: createLocalJWKSet(jwks) },
    { name: 'JWK', ours: jwk, jose: await importJWK(jwk, 'RS256') },
    { name: 'PEM', ours: pem, jose: await importSPKI(pem, 'RS256') },
    { name: 'resolver', ours: resolver, jose: resolver },
  ];
  const rows: Row[] = [];
  let best32 = 0;
  for (const form of forms) {
    const ours = () =>
      verifyAccessToken(token, {
        keys: form.ours,
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredScopes: ['finance.read'],
        approvedAgents: ['0oa123abc456xyz'],
        humanApproval: { kind: 'allow-list', ids: ['00u8f2k4m6n8p0r2t4v'] },
        now: NOW,
        correlationId: 'bench',
      }).then((result) => {
        if (result.decision !== 'ALLOW') throw new Error(`the bench token was denied: ${result.findings.map((f) => f.code).join(', ')}`);
      });
    const bare = () => jwtVerify(token, form.jose as never, { ...checks, currentDate: new Date(NOW * 1000) });
    const [oursMs, bareMs] = await pairedMedianMsAsync(ours, bare);
    const [oursOne, bareOne] = [1000 / oursMs, 1000 / bareMs];
    rows.push({ measure: `verify, keys as ${form.name}, one at a time`, value: oursOne, unit: '/s', baseline: { name: 'jose.jwtVerify', value: bareOne }, kind: 'rate', goal: '≥ 0.9×', met: oursOne >= 0.9 * bareOne });
    const [ours32, bare32] = await pairedRates(ours, bare, 32);
    best32 = Math.max(best32, ours32);
    rows.push({ measure: `verify, keys as ${form.name}, 32 in flight`, value: ours32, unit: '/s', baseline: { name: 'jose.jwtVerify', value: bare32 }, kind: 'rate', goal: '≥ 0.9×', met: ours32 >= 0.9 * bare32 });
  }
  const python = pyjwtRate(token, pem);
  if (python !== undefined) {
    const pemRow = rows.find((row) => row.measure === 'verify, keys as PEM, 32 in flight');
    const value = pemRow?.value ?? best32;
    rows.push({ measure: 'verify, keys as PEM, 32 in flight, against PyJWT', value, unit: '/s', baseline: { name: 'PyJWT, one thread', value: python }, kind: 'rate', goal: '≥ 1.0×', met: value >= python });
  }
  return rows;
}
