/**
 * Every rule of the catalogue, once with input that triggers it and once with input that differs
 * only in the point the rule is about and does not. A rule without a case here fails the suite.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  type AssertionExpectations,
  checkAssertionHeader,
  checkAssertionPayload,
  checkTokenClaims,
  type Finding,
  type JsonRecord,
  lintDocument,
  readDelegationPolicy,
  RULES,
  type TokenExpectations,
  unreadableFile,
  verifyAccessToken,
  type VerifyOptions,
} from '../../../src/core';
import { API_AUDIENCE, CLIENT_ID, goodAssertion, goodToken, ISSUER, NOW, TOKEN_ENDPOINT, USER_ID, without } from '../fixtures';

type Check = () => readonly Finding[] | Promise<readonly Finding[]>;

const assertion = (payload: unknown, expect: Partial<AssertionExpectations> = {}): Check => () =>
  checkAssertionPayload(payload, { now: NOW, ...expect });
const agbac = (payload: unknown, expect: Partial<AssertionExpectations> = {}): Check =>
  assertion(payload, { profile: 'agbac-1.0', ...expect });
const header = (value: JsonRecord, authMethod?: 'client_secret_jwt' | 'private_key_jwt'): Check => () =>
  checkAssertionHeader(value, authMethod ? { authMethod } : {});
const token = (payload: unknown, expect: Partial<TokenExpectations> = {}): Check => () =>
  checkTokenClaims(payload, { now: NOW, issuer: ISSUER, audience: API_AUDIENCE, ...expect });
const act = (members: JsonRecord): JsonRecord => ({ act: { sub: USER_ID, ...members } });

let keys: { privateKey: CryptoKey; jwks: { keys: JsonRecord[] } };
let otherKey: CryptoKey;
async function signed(payload: JsonRecord, protectedHeader: JsonRecord = { alg: 'RS256', kid: 'k1' }, key?: CryptoKey | Uint8Array) {
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key ?? keys.privateKey);
}
const verified = (makeToken: () => Promise<string>, expect: Partial<VerifyOptions> = {}): Check => async () =>
  (await verifyAccessToken(await makeToken(), { keys: keys.jwks, now: NOW, issuer: ISSUER, audience: API_AUDIENCE, approvedAgents: [CLIENT_ID], correlationId: 'rules-test', ...expect })).findings;
const lint = (text: string): Check => () => lintDocument(text, { now: NOW }).findings;

/** [code, triggers, passes] */
const cases: [string, Check, Check][] = [
  ['AGBAC000', lint('{"iss": "0oa1", '), lint(JSON.stringify(goodAssertion()))],
  ['AGBAC001', assertion(['not', 'an', 'object']), assertion(goodAssertion())],
  ['AGBAC002', assertion(without(goodAssertion(), 'iss')), assertion(goodAssertion())],
  ['AGBAC003', assertion(goodAssertion({ iss: 42 })), assertion(goodAssertion())],
  ['AGBAC004', assertion(without(goodAssertion(), 'sub')), assertion(goodAssertion())],
  ['AGBAC005', assertion(goodAssertion({ sub: '' })), assertion(goodAssertion())],
  ['AGBAC006', assertion(goodAssertion({ sub: USER_ID })), assertion(goodAssertion())],
  ['AGBAC007', assertion(goodAssertion({ iss: '0oaOTHERCLIENT12345', sub: '0oaOTHERCLIENT12345' }), { clientId: CLIENT_ID }), assertion(goodAssertion(), { clientId: CLIENT_ID })],
  ['AGBAC008', assertion(without(goodAssertion(), 'aud')), assertion(goodAssertion())],
  ['AGBAC009', assertion(goodAssertion({ aud: [TOKEN_ENDPOINT] })), assertion(goodAssertion())],
  ['AGBAC010', assertion(goodAssertion({ aud: ISSUER })), assertion(goodAssertion({ aud: ISSUER }), { audienceStyle: 'issuer', issuer: ISSUER })],
  ['AGBAC011', assertion(goodAssertion({ aud: 'https://dev-999999.okta.com/oauth2/ausZZZ/v1/token' }), { tokenEndpoint: TOKEN_ENDPOINT }), assertion(goodAssertion(), { tokenEndpoint: TOKEN_ENDPOINT })],
  ['AGBAC012', assertion(goodAssertion({ aud: API_AUDIENCE }), { apiAudience: API_AUDIENCE }), assertion(goodAssertion(), { apiAudience: API_AUDIENCE })],
  ['AGBAC013', assertion(goodAssertion({ aud: 'dev-123456.okta.com' })), assertion(goodAssertion())],
  ['AGBAC014', assertion(goodAssertion({ aud: 'http://dev-123456.okta.com/oauth2/aus1/v1/token' })), assertion(goodAssertion({ aud: 'http://127.0.0.1:8080/oauth2/aus1/v1/token' }))],
  ['AGBAC015', assertion(without(goodAssertion(), 'exp')), assertion(goodAssertion())],
  ['AGBAC016', assertion(goodAssertion({ exp: String(NOW + 300) })), assertion(goodAssertion())],
  ['AGBAC017', assertion(goodAssertion({ exp: NOW })), assertion(goodAssertion({ exp: NOW + 1 }))],
  ['AGBAC018', assertion(goodAssertion({ exp: NOW + 7200 })), assertion(goodAssertion({ exp: NOW + 3600 }))],
  ['AGBAC019', assertion(goodAssertion({ exp: NOW + 600 })), assertion(goodAssertion())],
  ['AGBAC020', assertion(goodAssertion({ iat: NOW - 1000, exp: NOW - 700 })), assertion(goodAssertion({ iat: NOW - 290, exp: NOW + 10 }))],
  ['AGBAC021', assertion(goodAssertion({ iat: NOW + 120, exp: NOW + 420 })), assertion(goodAssertion({ iat: NOW + 30, exp: NOW + 330 }))],
  ['AGBAC022', assertion(goodAssertion({ nbf: NOW + 120 })), assertion(goodAssertion({ nbf: NOW }))],
  ['AGBAC023', assertion(goodAssertion({ iat: String(NOW) })), assertion(goodAssertion())],
  ['AGBAC024', assertion(without(goodAssertion(), 'jti')), assertion(goodAssertion())],
  ['AGBAC025', assertion(goodAssertion({ jti: 12345 })), assertion(goodAssertion())],
  ['AGBAC026', assertion(goodAssertion({ jti: 'abc123' })), assertion(goodAssertion({ jti: 'k7Qp2xZ9wLm4Rt8v' }))],
  ['AGBAC027', assertion(goodAssertion({ jti: `assertion-${NOW}` })), assertion(goodAssertion({ jti: 'assertion-k7Qp2xZ9wLm4Rt8v' }))],
  ['AGBAC028', assertion(without(goodAssertion(), 'act')), assertion(goodAssertion())],
  ['AGBAC029', assertion(goodAssertion({ act: 'alice@corp.example.com' })), assertion(goodAssertion())],
  ['AGBAC030', assertion(goodAssertion({ act: { email: 'alice@corp.example.com' } })), assertion(goodAssertion())],
  ['AGBAC031', assertion(goodAssertion(act({ sub: 'alice@corp.example.com' }))), assertion(goodAssertion())],
  ['AGBAC032', assertion(goodAssertion(act({ sub: 'alice' }))), assertion(goodAssertion())],
  ['AGBAC033', assertion(goodAssertion(act({ sub: '00u123abc456xyz' }))), assertion(goodAssertion())],
  ['AGBAC034', assertion(goodAssertion(act({ email: 'alice at corp' }))), assertion(goodAssertion())],
  ['AGBAC035', assertion(goodAssertion(act({ department: 'Finance' }))), assertion(goodAssertion())],
  ['AGBAC040', agbac(without(goodAssertion(), 'delegation')), assertion(without(goodAssertion(), 'delegation'))],
  ['AGBAC041', agbac(goodAssertion({ delegation: 'explicit' })), agbac(goodAssertion())],
  ['AGBAC042', agbac(goodAssertion({ delegation: { ...delegation(), granted_at: 'yesterday' } })), agbac(goodAssertion())],
  ['AGBAC043', agbac(goodAssertion({ delegation: { ...delegation(), granted_at: '2026-01-03T10:00:00Z' } })), agbac(goodAssertion())],
  ['AGBAC044', agbac(goodAssertion({ delegation: { ...delegation(), method: 'manual' } })), agbac(goodAssertion({ delegation: { ...delegation(), method: 'system' } }))],
  ['AGBAC045', agbac(goodAssertion({ delegation: { ...delegation(), intent_summary: ' ' } })), agbac(goodAssertion())],
  ['AGBAC046', agbac(without(goodAssertion(), 'agbac_ver')), assertion(without(goodAssertion(), 'agbac_ver'))],
  ['AGBAC047', agbac(goodAssertion({ agbac_ver: 1 })), agbac(goodAssertion({ agbac_ver: '1.0' }))],
  ['AGBAC048', agbac(goodAssertion({ delegation_expiry: NOW - 3600 })), agbac(goodAssertion({ delegation_expiry: NOW + 3600 }))],
  ['AGBAC049', agbac(goodAssertion({ delegation_expiry: 'soon' })), agbac(goodAssertion({ delegation_expiry: '2026-01-02T12:00:00Z' }))],
  ['AGBAC060', header({ alg: 'none' }), header({ alg: 'HS256' })],
  ['AGBAC061', header({ alg: 'RS256', kid: 'k1' }, 'client_secret_jwt'), header({ alg: 'HS512' }, 'client_secret_jwt')],
  ['AGBAC062', header({ alg: 'PS256', kid: 'k1' }), header({ alg: 'ES256', kid: 'k1' })],
  ['AGBAC063', header({ alg: 'RS256' }), header({ alg: 'RS256', kid: 'agent-key-1' })],
  ['AGBAC090', verified(async () => 'eyJhbGciOiJSUzI1NiJ9.not+base64.sig'), verified(() => signed(goodToken()))],
  ['AGBAC091', () => unreadableFile('not a regular file (a FIFO)').findings, lint(JSON.stringify(goodAssertion()))],
  ['AGBAC092', lint(`${'['.repeat(65)}${']'.repeat(65)}`), lint(`${'['.repeat(64)}${']'.repeat(64)}`)],
  ['AGBAC100', verified(() => signed(goodToken(), { alg: 'RS256', kid: 'k1' }, otherKey)), verified(() => signed(goodToken()))],
  ['AGBAC101', verified(() => signed(goodToken(), { alg: 'HS256', kid: 'k1' }, new TextEncoder().encode('x'.repeat(32)))), verified(() => signed(goodToken()))],
  ['AGBAC102', verified(() => signed(goodToken(), { alg: 'RS256', kid: 'unknown-kid' })), verified(() => signed(goodToken()))],
  ['AGBAC103', token(goodToken({ iss: 'https://dev-123456.okta.com/oauth2/default' })), token(goodToken())],
  ['AGBAC104', token(goodToken({ aud: 'api://default' })), token(goodToken({ aud: ['api://other', API_AUDIENCE] }))],
  ['AGBAC105', token(goodToken({ iat: NOW - 7200, exp: NOW - 3600 })), token(goodToken({ exp: NOW + 30 }))],
  ['AGBAC106', token(goodToken({ nbf: NOW + 600 })), token(goodToken({ nbf: NOW + 30 }))],
  ['AGBAC107', token(goodToken({ iat: NOW + 600 })), token(goodToken({ iat: NOW + 30 }))],
  ['AGBAC108', token(without(goodToken(), 'exp')), token(goodToken())],
  ['AGBAC109', token(without(goodToken(), 'sub')), token(goodToken())],
  ['AGBAC110', token(without(goodToken(), 'cid')), token(goodToken())],
  ['AGBAC111', token(goodToken({ cid: '0oaANOTHERCLIENT1234' })), token(goodToken())],
  ['AGBAC112', token(goodToken(), { requiredScopes: ['finance.write'] }), token(goodToken(), { requiredScopes: ['finance.read'] })],
  ['AGBAC113', token(without(goodToken(), 'act')), token(goodToken())],
  ['AGBAC114', token(goodToken(), { approvedAgents: ['0oaSOMEOTHERAGENT123'] }), token(goodToken(), { approvedAgents: [CLIENT_ID] })],
  ['AGBAC115', token(goodToken(), { humanApproval: { kind: 'group', group: 'FinanceUsers', memberOf: ['Everyone'] } }), token(goodToken(), { humanApproval: { kind: 'group', group: 'FinanceUsers', memberOf: ['Everyone', 'FinanceUsers'] } })],
  ['AGBAC116', token(goodToken(), { expectedActor: { sub: USER_ID, email: 'alice@corp.example.com', name: 'Alice S.' } }), token(goodToken(), { expectedActor: { sub: USER_ID, email: 'alice@corp.example.com', name: 'Alice Smith' } })],
  ['AGBAC117', token(goodToken({ sub: USER_ID, cid: CLIENT_ID, act: { sub: CLIENT_ID } })), token(goodToken())],
  ['AGBAC118', token(goodToken(act({ sub: 'alice' }))), token(goodToken())],
  ['AGBAC119', token(goodToken(act({ sub: CLIENT_ID }))), token(goodToken())],
  ['AGBAC120', verified(() => signed(goodToken())), verified(() => signed(goodToken()), { humanApproval: { kind: 'waived' } })],
  ['AGBAC125', verified(() => signed(goodToken()), { approvedAgents: undefined }), verified(() => signed(goodToken()), { approvedAgents: undefined, waiveAgentCheck: true })],
  ['AGBAC121', token(goodToken({ exp: NOW + 86400 * 365 * 100 })), token(goodToken({ iat: NOW, exp: NOW + 86400 }))],
  ['AGBAC122', verified(() => signed(goodToken(), { alg: 'RS256', kid: 'k1', crit: ['b64'], b64: true })), verified(() => signed(goodToken()))],
  ['AGBAC123', token(goodToken({ act: { sub: USER_ID, act: { sub: '00u9z8y7x6w5v4u3t2s' } } })), token(goodToken())],
  ['AGBAC124', verified(() => signed(goodToken()), { keys: () => Promise.reject(new Error('connection refused')) }), verified(() => signed(goodToken()))],
  ['AGBAC140', verified(() => signed(goodToken()), withPolicy({ agents: ['0oaSOMEOTHERAGENT123'] })), verified(() => signed(goodToken()), withPolicy({}))],
  ['AGBAC141', verified(() => signed(goodToken()), withPolicy({ humans: { ids: ['00u9z8y7x6w5v4u3t2s'] } })), verified(() => signed(goodToken()), withPolicy({}))],
  ['AGBAC142', verified(() => signed(goodToken()), withPolicy({}, { explicitScopes: ['finance.read'] })), verified(() => signed(onBehalfOf()), { ...withPolicy({}, { explicitScopes: ['finance.read'] }), detectMapping: true })],
  ['AGBAC143', verified(() => signed(goodToken({ scp: ['finance.write'] })), { ...withPolicy({ scopes: ['finance.read'] }), requiredScopes: ['finance.write'] }), verified(() => signed(goodToken()), { ...withPolicy({ scopes: ['finance.read'] }), requiredScopes: ['finance.read'] })],
  ['AGBAC144', verified(() => signed(goodToken()), withPolicy({}, { maxDelegationAgeSeconds: 60 })), verified(() => signed(goodToken()), withPolicy({}, { maxDelegationAgeSeconds: 3600 }))],
  ['AGBAC145', verified(() => signed(without(goodToken(), 'delegation')), withPolicy({}, { maxDelegationAgeSeconds: 3600 })), verified(() => signed(goodToken()), withPolicy({}, { maxDelegationAgeSeconds: 3600 }))],
  ['AGBAC146', verified(() => signed(goodToken({ sub: 'someone', act: { sub: USER_ID } })), { detectMapping: true }), verified(() => signed(goodToken()), { detectMapping: true })],
];

/** A delegation policy letting the fixture's agent act for its human, with changes to that delegation and to the policy. */
function withPolicy(rule: JsonRecord, extra: JsonRecord = {}): Partial<VerifyOptions> {
  const read = readDelegationPolicy({ version: 1, delegations: [{ agents: [CLIENT_ID], humans: { ids: [USER_ID] }, ...rule }], ...extra });
  assert.ok(read.policy, JSON.stringify(read.problems));
  return { policy: { policy: read.policy } };
}

/** Okta's on-behalf-of token: the fixture's human signed in and the agent exchanged their token. */
function onBehalfOf(): JsonRecord {
  return { ...without(goodToken(), 'act', 'delegation', 'agbac_ver'), uid: USER_ID, sub: 'alice@corp.example.com', auth_time: NOW - 120 };
}

function delegation(): JsonRecord {
  return { granted_at: '2026-01-02T09:55:00Z', method: 'explicit', intent_summary: 'Read the Q4 finance report' };
}

describe('the rule catalogue', () => {
  before(async () => {
    const pair = await generateKeyPair('RS256');
    keys = { privateKey: pair.privateKey, jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] } };
    otherKey = (await generateKeyPair('RS256')).privateKey;
  });

  it('has a trigger/pass case for every rule, and nothing else', () => {
    assert.deepEqual(cases.map(([code]) => code).sort(), RULES.map((rule) => rule.code));
  });

  it('has unique names and well-formed entries', () => {
    assert.equal(new Set(RULES.map((rule) => rule.name)).size, RULES.length);
    for (const rule of RULES) {
      assert.match(rule.code, /^AGBAC\d{3}$/);
      assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(rule.explanation.length > 40, `${rule.code} explains itself`);
      assert.match(rule.path, /^\$/);
    }
  });

  for (const [code, triggers, passes] of cases) {
    it(`${code}: triggers on the bad input and not on the good one`, async () => {
      const bad = await triggers();
      assert.ok(bad.some((finding) => finding.code === code), `${code} expected in ${JSON.stringify(bad.map((f) => f.code))}`);
      const good = await passes();
      assert.ok(!good.some((finding) => finding.code === code), `${code} not expected in ${JSON.stringify(good.map((f) => f.message))}`);
    });
  }
});

describe('rule details', () => {
  it('the good assertion and token are clean under both profiles', () => {
    for (const profile of ['okta-guide', 'agbac-1.0'] as const) {
      assert.deepEqual(checkAssertionPayload(goodAssertion(), { now: NOW, profile, clientId: CLIENT_ID, tokenEndpoint: TOKEN_ENDPOINT, apiAudience: API_AUDIENCE }), []);
      assert.deepEqual(checkTokenClaims(goodToken(), { now: NOW, profile, issuer: ISSUER, audience: API_AUDIENCE, requiredScopes: ['finance.read'] }), []);
    }
  });

  it('a missing jti is a warning for the guide and an error for AGBAC 1.0', () => {
    const payload = without(goodAssertion(), 'jti');
    const severity = (profile: 'okta-guide' | 'agbac-1.0') =>
      checkAssertionPayload(payload, { now: NOW, profile }).find((f) => f.code === 'AGBAC024')?.severity;
    assert.equal(severity('okta-guide'), 'warning');
    assert.equal(severity('agbac-1.0'), 'error');
  });

  it('explains the issuer audience with the token endpoint to use instead', () => {
    const [finding] = checkAssertionPayload(goodAssertion({ aud: ISSUER }), { now: NOW });
    assert.equal(finding?.code, 'AGBAC010');
    assert.equal(finding?.severity, 'error');
    assert.ok(finding?.message.includes(TOKEN_ENDPOINT), finding?.message);
  });

  it('flags an exp in milliseconds as such', () => {
    const finding = checkAssertionPayload(goodAssertion({ exp: (NOW + 300) * 1000 }), { now: NOW }).find((f) => f.code === 'AGBAC018');
    assert.match(finding?.message ?? '', /milliseconds/);
  });

  it('reports iss/sub disagreement on sub, with iss as related information', () => {
    const finding = checkAssertionPayload(goodAssertion({ sub: USER_ID }), { now: NOW }).find((f) => f.code === 'AGBAC006');
    assert.deepEqual(finding?.path, ['sub']);
    assert.deepEqual(finding?.related?.map((related) => related.path), [['iss']]);
  });

  it('names the guide\'s fixed jti and the clock-derived jti differently', () => {
    const reason = (jti: string) => checkAssertionPayload(goodAssertion({ jti }), { now: NOW }).find((f) => f.code === 'AGBAC027')?.message;
    assert.match(reason('test-assertion-unique-123') ?? '', /fixed example/);
    assert.match(reason(`assertion-${NOW}`) ?? '', /clock/);
  });

  it('accepts the issuer or the token endpoint under the issuer convention, nothing else', () => {
    const check = (aud: string) =>
      checkAssertionPayload(goodAssertion({ aud }), { now: NOW, audienceStyle: 'issuer', tokenEndpoint: TOKEN_ENDPOINT }).map((f) => f.code);
    assert.deepEqual(check(ISSUER), []);
    assert.deepEqual(check(TOKEN_ENDPOINT), []);
    assert.deepEqual(check('https://dev-123456.okta.com/oauth2/default'), ['AGBAC011']);
  });

  it('reads the human from sub and the agent from act under the token-exchange mapping', async () => {
    const { TOKEN_EXCHANGE_MAPPING } = await import('../../../src/core');
    const exchanged = goodToken({ sub: USER_ID, act: { sub: CLIENT_ID }, scope: 'finance.read', scp: undefined });
    const findings = checkTokenClaims(exchanged, {
      now: NOW, issuer: ISSUER, audience: API_AUDIENCE, mapping: TOKEN_EXCHANGE_MAPPING, requiredScopes: ['finance.read'],
      approvedAgents: [CLIENT_ID], humanApproval: { kind: 'allow-list', ids: [USER_ID] },
    });
    assert.deepEqual(findings.map((f) => f.code), []);
  });
});
