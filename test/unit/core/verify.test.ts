import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { decide, type JsonRecord, KeyError, verifyAccessToken, type VerifyOptions } from '../../../src/core';
import { API_AUDIENCE, CLIENT_ID, goodToken, ISSUER, NOW, USER_ID, without } from '../fixtures';

let privateKey: CryptoKey;
let publicPem: string;
let jwks: { keys: JsonRecord[] };

const sign = (payload: JsonRecord, header: JsonRecord = { alg: 'RS256', kid: 'k1' }) =>
  new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(privateKey);

const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  keys: jwks,
  now: NOW,
  correlationId: 'verify-test',
  issuer: ISSUER,
  audience: API_AUDIENCE,
  requiredScopes: ['finance.read'],
  approvedAgents: [CLIENT_ID],
  humanApproval: { kind: 'allow-list', ids: [USER_ID] },
  ...extra,
});

describe('verifyAccessToken', () => {
  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  });

  it('allows a genuine token when both subjects are approved, with an audit event', async () => {
    const result = await verifyAccessToken(await sign(goodToken()), options({ action: 'read', resource: '/reports/q4', correlationId: 'c-1' }));
    assert.equal(result.decision, 'ALLOW');
    assert.equal(result.signatureValid, true);
    assert.deepEqual(result.findings, []);
    assert.equal(result.agent, CLIENT_ID);
    assert.equal(result.human, USER_ID);
    assert.deepEqual(result.audit, {
      timestamp: '2026-01-02T10:00:00Z',
      event_type: 'AGBAC_DECISION',
      correlation_id: 'c-1',
      decision: 'ALLOW',
      agent_id: CLIENT_ID,
      human_id: USER_ID,
      action: 'read',
      resource: '/reports/q4',
      reasons: [],
      checks: { signature: 'passed', issuer: 'passed', audience: 'passed', lifetime: 'passed', agent: 'passed', scopes: 'passed', human: 'passed', delegation: 'passed' },
      token_id: goodToken().jti,
      agbac_ver: '1.0',
      delegation: { type: 'explicit', evidence: 'agent', shape: 'okta', chain: [CLIENT_ID], method: 'explicit', granted_at: '2026-01-02T09:55:00Z', age_seconds: 300 },
    });
  });

  it('denies with every reason, not just the first', async () => {
    const token = await sign(goodToken({ iss: 'https://evil.example/oauth2/x', aud: 'api://other', exp: NOW - 3600, iat: NOW - 7200, scp: [] }));
    const result = await verifyAccessToken(token, options({ humanApproval: { kind: 'allow-list', ids: [] } }));
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(
      result.findings.map((f) => f.code).sort(),
      ['AGBAC103', 'AGBAC104', 'AGBAC105', 'AGBAC112', 'AGBAC115'],
    );
    assert.deepEqual(result.audit.reasons, [
      'AGBAC103 token-iss-mismatch', 'AGBAC104 token-aud-mismatch', 'AGBAC105 token-expired', 'AGBAC112 token-scope-missing', 'AGBAC115 human-not-approved',
    ]);
  });

  it('denies a token without act even when everything else is right', async () => {
    const result = await verifyAccessToken(await sign(without(goodToken(), 'act')), options({ humanApproval: undefined }));
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(result.findings.map((f) => f.code), ['AGBAC113']);
    assert.equal(result.audit.human_id, null);
  });

  it('never writes email or name into the audit event, and redacts an email used as id', async () => {
    const token = await sign(goodToken({ act: { sub: 'alice@corp.example.com', email: 'alice@corp.example.com', name: 'Alice Smith' } }));
    const result = await verifyAccessToken(token, options());
    assert.equal(result.decision, 'DENY');
    const audit = JSON.stringify(result.audit);
    assert.ok(!audit.includes('alice@'), audit);
    assert.ok(!audit.includes('Alice'), audit);
    assert.equal(result.audit.human_id, '[email redacted]');
  });

  it('refuses algorithm confusion: an HS256 token keyed with the RSA public key', async () => {
    const forged = await new SignJWT(goodToken()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(publicPem));
    for (const keys of [jwks, publicPem]) {
      const result = await verifyAccessToken(forged, options({ keys }));
      assert.equal(result.decision, 'DENY');
      assert.equal(result.signatureValid, false);
      assert.deepEqual(result.findings.filter((f) => f.part === 'header').map((f) => f.code), ['AGBAC101']);
    }
  });

  it('refuses alg none outright', async () => {
    const header = Buffer.from('{"alg":"none"}').toString('base64url');
    const payload = Buffer.from(JSON.stringify(goodToken())).toString('base64url');
    const result = await verifyAccessToken(`${header}.${payload}.`, options({ algorithms: ['RS256', 'none'] }));
    assert.equal(result.decision, 'DENY');
    assert.ok(result.findings.some((f) => f.code === 'AGBAC060'));
  });

  it('denies a tampered payload as a bad signature', async () => {
    const [h, , s] = (await sign(goodToken())).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify(goodToken({ act: { sub: '00u9z9z9z9z9z9z9z9z' } }))).toString('base64url')}.${s}`;
    const result = await verifyAccessToken(tampered, options({ humanApproval: { kind: 'waived' } }));
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(result.findings.map((f) => f.code), ['AGBAC100']);
  });

  it('verifies with a PEM public key and with a single public JWK', async () => {
    const token = await sign(goodToken());
    assert.equal((await verifyAccessToken(token, options({ keys: publicPem }))).decision, 'ALLOW');
    assert.equal((await verifyAccessToken(token, options({ keys: jwks.keys[0] as JsonRecord }))).decision, 'ALLOW');
  });

  it('takes a key resolver (as a remote key set is), and reports its failure as an outage, not a bad token', async () => {
    const token = await sign(goodToken());
    const failing = () => Promise.reject(new Error('JWKS fetch timed out'));
    const result = await verifyAccessToken(token, options({ keys: failing }));
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(result.findings.map((f) => f.code), ['AGBAC124']);
    assert.match(result.findings[0]?.message ?? '', /keys could not be fetched \(JWKS fetch timed out\)/);
    assert.deepEqual(result.audit.reasons, ['AGBAC124 keys-unavailable']);
    assert.equal(result.checks.signature, 'unavailable');
  });

  it('refuses unusable verification keys as a configuration error', async () => {
    const token = await sign(goodToken());
    const privateJwk = await exportJWK(privateKey);
    await assert.rejects(verifyAccessToken(token, options({ keys: privateJwk as JsonRecord })), KeyError);
    await assert.rejects(verifyAccessToken(token, options({ keys: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----' })), /SPKI public key/);
    await assert.rejects(verifyAccessToken(token, options({ keys: { nothing: true } as JsonRecord })), KeyError);
  });

  it('is DENY for a malformed token, with the decode failure as the reason', async () => {
    const result = await verifyAccessToken('not-a-jwt', options());
    assert.equal(result.decision, 'DENY');
    assert.match(result.findings[0]?.message ?? '', /3 dot-separated segments/);
    assert.equal(result.audit.agent_id, null);
  });

  it('decide() allows on warnings and notes, denies on an error', () => {
    const finding = (severity: 'error' | 'warning' | 'info') => ({ code: 'AGBAC100' as const, severity, message: '', path: [], part: 'payload' as const, params: {} });
    assert.equal(decide([finding('warning'), finding('info')]), 'ALLOW');
    assert.equal(decide([finding('warning'), finding('error')]), 'DENY');
  });
});
