/**
 * The verification corpus: every attack class the verifier must refuse, each with the exact reason
 * it is refused for, and a valid control that is allowed. Tokens are built here byte by byte where
 * a library would refuse to build them (duplicate members, `crit`, `b64`), and signed with the
 * issuer's real key wherever the attack is in the claims rather than in the signature.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject, sign as rawSign } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { type JsonRecord, type VerifyOptions, verifyAccessToken } from '../../../src/core';
import { API_AUDIENCE, CLIENT_ID, goodToken, ISSUER, NOW, USER_ID, without } from '../fixtures';

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');

let issuerKey: { privateKey: KeyObject; publicKey: KeyObject };
let otherKey: { privateKey: KeyObject; publicKey: KeyObject };
let jwks: { keys: JsonRecord[] };
let publicPem = '';

/** A compact JWS over exactly these header and payload texts. */
function jws(headerText: string, payloadText: string, key: KeyObject | Buffer = issuerKey.privateKey, alg = 'RS256'): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  const signature = Buffer.isBuffer(key)
    ? createHmac(`sha${alg.slice(2)}`, key).update(input).digest()
    : rawSign(alg === 'none' ? null : `sha${alg.slice(2)}`, Buffer.from(input), key);
  return `${input}.${alg === 'none' ? '' : b64(signature)}`;
}

/** The token the issuer would sign, with header and payload overrides. */
const token = (payload: JsonRecord = goodToken(), header: JsonRecord = { kid: 'k1', alg: 'RS256' }, key?: KeyObject | Buffer) =>
  jws(JSON.stringify(header), JSON.stringify(payload), key, typeof header.alg === 'string' ? header.alg : 'RS256');

const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  keys: jwks,
  now: NOW,
  correlationId: 'corpus',
  issuer: ISSUER,
  audience: API_AUDIENCE,
  requiredScopes: ['finance.read'],
  approvedAgents: [CLIENT_ID],
  humanApproval: { kind: 'allow-list', ids: [USER_ID] },
  ...extra,
});

/** [attack, the token, the exact set of error codes it is refused for, verify options] */
type Case = [string, () => string, readonly string[], Partial<VerifyOptions>?];

const cases: Case[] = [
  // ── Algorithms ──
  ...['none', 'None', 'NONE', 'nOnE'].map((alg): Case => [`alg ${alg}, unsigned`, () => `${b64(JSON.stringify({ alg }))}.${b64(JSON.stringify(goodToken()))}.`, ['AGBAC060']]),
  ['alg none with none in the allow-list', () => `${b64('{"alg":"none"}')}.${b64(JSON.stringify(goodToken()))}.`, ['AGBAC060'], { algorithms: ['RS256', 'none'] }],
  ['HS256 keyed with the issuer\'s public key (RS/HS confusion)', () => token(goodToken(), { kid: 'k1', alg: 'HS256' }, Buffer.from(publicPem)), ['AGBAC101']],
  ['HS256 keyed with the public key, PEM verification key', () => token(goodToken(), { kid: 'k1', alg: 'HS256' }, Buffer.from(publicPem)), ['AGBAC101'], { keys: publicPem }],
  ['RS512, not on the allow-list', () => token(goodToken(), { kid: 'k1', alg: 'RS512' }), ['AGBAC101']],
  ['alg missing', () => token(goodToken(), { kid: 'k1' }), ['AGBAC101']],
  ['alg not a string', () => jws('{"kid":"k1","alg":["RS256"]}', JSON.stringify(goodToken())), ['AGBAC101']],
  ['lower-case rs256', () => jws('{"kid":"k1","alg":"rs256"}', JSON.stringify(goodToken())), ['AGBAC101']],
  // ── Keys named by the token ──
  ['an embedded jwk of the attacker, signed with it', () => token(goodToken(), { kid: 'k1', alg: 'RS256', jwk: otherKey.publicKey.export({ format: 'jwk' }) }, otherKey.privateKey), ['AGBAC100']],
  ['jku pointing at the attacker\'s key set', () => token(goodToken(), { kid: 'attacker', alg: 'RS256', jku: 'https://evil.example/jwks.json' }, otherKey.privateKey), ['AGBAC102']],
  ['x5u pointing at the attacker\'s certificate', () => token(goodToken(), { kid: 'k1', alg: 'RS256', x5u: 'https://evil.example/cert.pem' }, otherKey.privateKey), ['AGBAC100']],
  ['x5c with a certificate of the attacker', () => token(goodToken(), { kid: 'k1', alg: 'RS256', x5c: ['MIIBIjANBgkq'] }, otherKey.privateKey), ['AGBAC100']],
  // ── kid tricks ──
  ['kid path traversal', () => token(goodToken(), { kid: '../../../../dev/null', alg: 'RS256' }), ['AGBAC102']],
  ['kid SQL injection', () => token(goodToken(), { kid: "k1' OR '1'='1", alg: 'RS256' }), ['AGBAC102']],
  ['kid of the issuer, signed by another key', () => token(goodToken(), { kid: 'k1', alg: 'RS256' }, otherKey.privateKey), ['AGBAC100']],
  ['kid of 10,000 characters', () => token(goodToken(), { kid: 'k'.repeat(10_000), alg: 'RS256' }), ['AGBAC102']],
  ['kid not a string', () => jws('{"kid":1,"alg":"RS256"}', JSON.stringify(goodToken())), ['AGBAC102']],
  // ── Tampering ──
  ['payload changed after signing (a wider scope)', () => {
    const [header, , signature] = token().split('.');
    return `${header ?? ''}.${b64(JSON.stringify(goodToken({ scp: ['finance.read', 'finance.write'] })))}.${signature ?? ''}`;
  }, ['AGBAC100']],
  ['signature cut short', () => token().slice(0, -10), ['AGBAC100']],
  ['signature removed', () => token().replace(/[^.]+$/, ''), ['AGBAC100']],
  ['header swapped for another alg', () => {
    const [, payload, signature] = token().split('.');
    return `${b64('{"kid":"k1","alg":"RS384"}')}.${payload ?? ''}.${signature ?? ''}`;
  }, ['AGBAC101']],
  // ── JSON that readers disagree on ──
  ['duplicate act in the payload', () => jws('{"kid":"k1","alg":"RS256"}', JSON.stringify(goodToken()).replace('"act":', '"act":{"sub":"00u9z8y7x6w5v4u3t2s"},"act":')), ['AGBAC090']],
  ['duplicate alg in the header', () => jws('{"kid":"k1","alg":"HS256","alg":"RS256"}', JSON.stringify(goodToken())), ['AGBAC090']],
  ['duplicate sub written with an escape', () => jws('{"kid":"k1","alg":"RS256"}', JSON.stringify(goodToken()).replace('"sub":', '"\\u0073ub":"0oaEVILAGENT1234567","sub":')), ['AGBAC090']],
  ['payload nested 10,000 deep', () => jws('{"kid":"k1","alg":"RS256"}', JSON.stringify(goodToken()).replace('"ver":1', `"ver":${'['.repeat(10_000)}${']'.repeat(10_000)}`)), ['AGBAC090']],
  // ── crit and b64 ──
  ['crit b64 with an unencoded payload', () => jws('{"kid":"k1","alg":"RS256","b64":false,"crit":["b64"]}', JSON.stringify(goodToken())), ['AGBAC122']],
  ['crit naming a claim', () => token(goodToken(), { kid: 'k1', alg: 'RS256', crit: ['exp'] }), ['AGBAC122']],
  ['crit empty', () => token(goodToken(), { kid: 'k1', alg: 'RS256', crit: [] }), ['AGBAC122']],
  // ── Times ──
  ['expired', () => token(goodToken({ iat: NOW - 7200, exp: NOW - 3600 })), ['AGBAC105']],
  ['not yet valid (nbf)', () => token(goodToken({ nbf: NOW + 600 })), ['AGBAC106']],
  ['issued in the future', () => token(goodToken({ iat: NOW + 600, exp: NOW + 1200 })), ['AGBAC107']],
  ['exp missing', () => token(without(goodToken(), 'exp')), ['AGBAC108']],
  ['exp a string', () => token(goodToken({ exp: String(NOW + 3600) })), ['AGBAC108']],
  ['exp 1e999 (infinity)', () => jws('{"kid":"k1","alg":"RS256"}', JSON.stringify(goodToken()).replace(/"exp":\d+/, '"exp":1e999')), ['AGBAC108']],
  ['nbf 1e999 (never valid, skipped by a lax reader)', () => jws('{"kid":"k1","alg":"RS256"}', JSON.stringify(goodToken({ nbf: 0 })).replace('"nbf":0', '"nbf":1e999')), ['AGBAC023']],
  ['iat a string', () => token(goodToken({ iat: 'yesterday' })), ['AGBAC023']],
  ['lives for 100 years', () => token(goodToken({ iat: NOW, exp: NOW + 86400 * 365 * 100 })), ['AGBAC121']],
  // ── Issuer and audience ──
  ['another issuer', () => token(goodToken({ iss: 'https://evil.example/oauth2/default' })), ['AGBAC103']],
  ['the org authorization server of the same org', () => token(goodToken({ iss: 'https://dev-123456.okta.com' })), ['AGBAC103']],
  ['another audience', () => token(goodToken({ aud: 'api://default' })), ['AGBAC104']],
  ['audience list without ours', () => token(goodToken({ aud: ['api://a', 'api://b'] })), ['AGBAC104']],
  // ── The agent ──
  ['sub missing', () => token(without(goodToken(), 'sub')), ['AGBAC109']],
  ['cid of another client', () => token(goodToken({ cid: '0oaOTHERCLIENT123456' })), ['AGBAC111']],
  ['an agent not approved', () => token(goodToken({ sub: '0oaOTHERCLIENT123456', cid: '0oaOTHERCLIENT123456' })), ['AGBAC114']],
  ['scope not granted', () => token(goodToken({ scp: ['finance.write'] })), ['AGBAC112']],
  // ── The human ──
  ['no act', () => token(without(goodToken(), 'act')), ['AGBAC113']],
  ['act.sub an email', () => token(goodToken({ act: { sub: 'alice@corp.example.com' } })), ['AGBAC031']],
  ['act.sub a login shortname', () => token(goodToken({ act: { sub: 'alice' } })), ['AGBAC118']],
  ['act.sub me', () => token(goodToken({ act: { sub: 'me' } })), ['AGBAC118']],
  ['act.sub the agent itself', () => token(goodToken({ act: { sub: CLIENT_ID } })), ['AGBAC118', 'AGBAC119']],
  ['act.sub the agent itself, even with the check waived', () => token(goodToken({ act: { sub: CLIENT_ID } })), ['AGBAC118', 'AGBAC119'], { humanApproval: { kind: 'waived' } }],
  ['act.sub a user id that is also the agent (same value in sub)', () => token(goodToken({ sub: USER_ID, cid: USER_ID })), ['AGBAC114', 'AGBAC119']],
  ['a human not approved', () => token(goodToken({ act: { sub: '00u9z8y7x6w5v4u3t2s' } })), ['AGBAC115']],
  ['a chain of actors inside the human', () => token(goodToken({ act: { sub: USER_ID, act: { sub: '00u9z8y7x6w5v4u3t2s' } } })), ['AGBAC123']],
  ['no approval of the human given', () => token(), ['AGBAC120'], { humanApproval: undefined }],
  // ── Outage ──
  ['the key set cannot be fetched', () => token(), ['AGBAC124'], { keys: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:443')) }],
];

describe('the verification corpus', () => {
  before(() => {
    issuerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    jwks = { keys: [{ ...issuerKey.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    publicPem = issuerKey.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  });

  it('allows the valid control, and only it', async () => {
    const result = await verifyAccessToken(token(), options());
    assert.equal(result.decision, 'ALLOW', JSON.stringify(result.findings));
    assert.ok(Object.values(result.checks).every((check) => check === 'passed'), JSON.stringify(result.checks));
  });

  it('allows a genuine token that also carries a jku, x5u or jwk header: keys come from configuration only', async () => {
    const header = { kid: 'k1', alg: 'RS256', jku: 'https://evil.example/jwks.json', x5u: 'https://evil.example/c.pem', jwk: otherKey.publicKey.export({ format: 'jwk' }) };
    assert.equal((await verifyAccessToken(token(goodToken(), header), options())).decision, 'ALLOW');
  });

  for (const [attack, make, expected, extra] of cases) {
    it(`refuses ${attack}: ${expected.join(', ')}`, async () => {
      const result = await verifyAccessToken(make(), options(extra));
      assert.equal(result.decision, 'DENY');
      const errors = [...new Set(result.findings.filter((f) => f.severity === 'error').map((f) => f.code))].sort();
      assert.deepEqual(errors, [...expected].sort(), JSON.stringify(result.findings.map((f) => f.message)));
      assert.deepEqual(result.audit.reasons.map((reason) => reason.split(' ')[0]).sort(), [...expected].sort());
      assert.equal(result.audit.decision, 'DENY');
    });
  }

  it('covers each attack class of issue 9 and the classics', () => {
    assert.ok(cases.length >= 50, String(cases.length));
  });
});
