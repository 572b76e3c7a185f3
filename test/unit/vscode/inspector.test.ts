/**
 * The Token Inspector's view model and its messages, on plain Node: every applicable rule in the
 * checklist with its state and reason, the act round trip, claims explained, nothing of the
 * compact token but its redacted form, and messages checked on arrival both ways.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type JsonRecord, RULES, verifyAccessToken, type Verification } from '../../../src/core';
import { inspectorModel, type InspectInput } from '../../../src/vscode/model/inspector-model';
import { type InspectorModel, readFromWebview, readInspectorState, readToWebview } from '../../../src/vscode/model/inspector-protocol';
import { API_AUDIENCE, CLIENT_ID, goodAssertion, goodToken, ISSUER, NOW, USER_ID, without } from '../fixtures';

const ACT = { sub: USER_ID, email: 'alice@corp.example.com', name: 'Alice Smith' };
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let jwks: { keys: JWK[] };

before(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] };
});

function sign(payload: JsonRecord, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(privateKey);
}

/** The guide's token (no delegation): the okta-guide profile. */
const guideToken = (overrides: JsonRecord = {}) => without(goodToken(overrides), 'delegation', 'agbac_ver');

const EXPECT = { issuer: ISSUER, audience: API_AUDIENCE, requiredScopes: ['finance.read'], approvedAgents: [CLIENT_ID], humanApproval: 'member of FinanceUsers', expectedActor: ACT };

async function verified(token: string, memberOf: string[]): Promise<Verification> {
  return verifyAccessToken(token, {
    keys: jwks, issuer: ISSUER, audience: API_AUDIENCE, requiredScopes: ['finance.read'], approvedAgents: [CLIENT_ID],
    humanApproval: { kind: 'group', group: 'FinanceUsers', memberOf }, expectedActor: ACT, now: NOW, correlationId: 'corr-1',
  });
}

function model(input: Partial<InspectInput> & { token: string }): InspectorModel {
  return inspectorModel({ tokenId: 'id-1', connection: 'Acme', expectations: EXPECT, profile: 'okta-guide', clockSkewSeconds: 60, now: NOW, ...input });
}

const rows = (shown: InspectorModel) => shown.checklist.flatMap((group) => group.rows);
const statusOf = (shown: InspectorModel, code: string) => rows(shown).find((row) => row.code === code);

describe('the inspector model', () => {
  it('verified and approved: ALLOW, and every rule of the checklist passed, with what it found', async () => {
    const token = await sign(guideToken());
    const shown = model({ token, verification: await verified(token, ['FinanceUsers']) });
    assert.equal(shown.decision, 'ALLOW');
    assert.deepEqual(rows(shown).filter((row) => row.status !== 'pass').map((row) => row.code), []);
    assert.deepEqual(shown.checklist.map((group) => group.title), ['The token is genuine', 'It is for this API', 'It is current', 'The agent is authorized', 'The human is authorized']);
    // Every token rule of the okta-guide profile but the delegation ones (the token has none) and the delegation policy's (none decided).
    const expected = RULES.filter((rule) => rule.targets.includes('token') && (!rule.profiles || rule.profiles.includes('okta-guide')) && !/^AGBAC04\d$|^AGBAC14[0-5]$/.test(rule.code));
    assert.deepEqual(rows(shown).map((row) => row.code).sort(), expected.map((rule) => rule.code).sort());
    assert.equal(statusOf(shown, 'AGBAC100')?.text, "The signature verifies with the issuer's key");
    assert.equal(statusOf(shown, 'AGBAC115')?.text, `The human ${USER_ID} is approved (member of FinanceUsers)`);
    assert.equal(statusOf(shown, 'AGBAC112')?.text, 'Granted: finance.read');
    assert.equal(shown.roundTrip.status, 'pass');
    assert.deepEqual(shown.subjects.map((subject) => [subject.role, subject.id]), [['agent', CLIENT_ID], ['human', USER_ID]]);
    assert.deepEqual(shown.times.map((mark) => mark.claim), ['iat', 'exp']);
    assert.match(shown.audit ?? '', /"decision": "ALLOW"/);
    assert.equal(shown.title, 'Access token for Alice Smith');
  });

  it('keeps only the redacted token: the compact form is in no field', async () => {
    const token = await sign(guideToken());
    const text = JSON.stringify(model({ token, verification: await verified(token, ['FinanceUsers']) }));
    assert.ok(!text.includes(token));
    assert.ok(!text.includes(token.split('.')[2] ?? 'x'), 'the signature is in the model');
    assert.ok(text.includes(`"redacted":"${token.slice(0, 8)}…${token.slice(-6)}"`));
  });

  it('DENY names the failed rule with its reason; the others still pass', async () => {
    const token = await sign(guideToken());
    const shown = model({ token, verification: await verified(token, ['Everyone']) });
    assert.equal(shown.decision, 'DENY');
    assert.deepEqual(rows(shown).filter((row) => row.status === 'fail').map((row) => [row.code, row.text]), [['AGBAC115', `The human "${USER_ID}" is not approved: not a member of the group "FinanceUsers"`]]);
    assert.equal(shown.verdict, 'Denied: AGBAC115 human-not-approved.');
  });

  it('not verified: what needs the keys or the directory is "not checked", with why; the claim rules run', () => {
    return sign(guideToken({ aud: 'https://other.example' })).then((token) => {
      const shown = model({ token });
      assert.equal(shown.decision, undefined);
      for (const code of ['AGBAC100', 'AGBAC101', 'AGBAC102', 'AGBAC115']) assert.equal(statusOf(shown, code)?.status, 'unchecked', code);
      assert.match(statusOf(shown, 'AGBAC100')?.text ?? '', /^Not checked yet: Verify Token/);
      assert.equal(statusOf(shown, 'AGBAC104')?.status, 'fail');
    });
  });

  it('without a connection: issuer, audience, agent and round trip are "not checked", and say why', async () => {
    const shown = model({ token: await sign(guideToken()), expectations: {} });
    assert.match(statusOf(shown, 'AGBAC103')?.text ?? '', /no connection gives the issuer/);
    assert.match(statusOf(shown, 'AGBAC104')?.text ?? '', /names no API audience/);
    assert.match(statusOf(shown, 'AGBAC114')?.text ?? '', /no connection names the approved agent/);
    assert.equal(shown.roundTrip.status, 'unknown');
  });

  it('the act round trip fails when the token names someone else than the agent asserted', async () => {
    const other = { ...ACT, sub: '00uZZZZZZZZZZZZZZZZZ' };
    const token = await sign(guideToken({ act: other }));
    const shown = model({ token });
    assert.equal(shown.roundTrip.status, 'fail');
    assert.equal(shown.roundTrip.tokenAct, JSON.stringify(other));
    assert.equal(statusOf(shown, 'AGBAC116')?.status, 'fail');
  });

  it('shows the delegation rules under agbac-1.0, or when the token has a delegation', async () => {
    const plain = await sign(guideToken());
    assert.ok(!model({ token: plain }).checklist.some((group) => group.title === 'The delegation is valid'));
    assert.ok(model({ token: plain, profile: 'agbac-1.0' }).checklist.some((group) => group.title === 'The delegation is valid'));
    assert.ok(model({ token: await sign(goodToken()) }).checklist.some((group) => group.title === 'The delegation is valid'));
  });

  it('explains each claim from the catalogue, members of act included; hostile values stay JSON text', async () => {
    const token = await sign(guideToken({ website: 'javascript:alert(1)', act: { ...ACT, name: '<img src=x onerror=alert(1)>' } }));
    const shown = model({ token });
    const claim = (name: string) => shown.payload.find((row) => row.name === name);
    assert.equal(claim('act')?.summary, 'Actor: the human the agent acts for');
    assert.equal(claim('act.sub')?.summary, "The human's Okta user id");
    assert.equal(claim('act.sub')?.depth, 1);
    assert.equal(claim('cid')?.summary, 'Client id of the app that got the token');
    assert.equal(claim('website')?.value, '"javascript:alert(1)"');
    assert.equal(claim('website')?.summary, undefined);
    assert.equal(claim('act.name')?.value, '"<img src=x onerror=alert(1)>"');
    assert.deepEqual(shown.header.map((row) => [row.name, row.summary]), [['alg', 'Signing algorithm'], ['kid', 'Key id']]);
  });

  it('a client assertion is checked by the assertion rules, in header and claims', async () => {
    const assertion = await new SignJWT(goodAssertion()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('s'.repeat(64)));
    const shown = model({ token: assertion, expectations: { clientId: CLIENT_ID, authMethod: 'client_secret_jwt' } });
    assert.equal(shown.kind, 'client assertion');
    assert.deepEqual(shown.checklist.map((group) => group.title), ['Header', 'Claims']);
    assert.match(statusOf(shown, 'AGBAC011')?.text ?? '', /no connection gives the token endpoint/);
  });

  it('an unreadable token is a model that says so, never an exception', () => {
    const shown = model({ token: 'not.a-jwt' });
    assert.equal(statusOf(shown, 'AGBAC090')?.status, 'fail');
    assert.match(statusOf(shown, 'AGBAC090')?.text ?? '', /^Not a readable JWT: /);
    assert.equal(shown.verdict, 'This is not a readable JWT.');
  });
});

describe('the inspector messages', () => {
  it('takes from the page only the messages it sends, well formed', () => {
    assert.deepEqual(readFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(readFromWebview({ type: 'action', action: 'verify', tokenId: 'abc-123' }), { type: 'action', action: 'verify', tokenId: 'abc-123' });
    assert.deepEqual(readFromWebview({ type: 'explain', code: 'AGBAC115' }), { type: 'explain', code: 'AGBAC115' });
    for (const bad of [null, 'ready', { type: 'action', action: 'deleteEverything' }, { type: 'action', action: 'copy', tokenId: '../../x' }, { type: 'explain', code: 'AGBAC1; rm' }, { type: 'stateSaved', state: { model: { title: 1 } } }, { type: 'eval' }]) {
      assert.equal(readFromWebview(bad), undefined, JSON.stringify(bad));
    }
  });

  it('the page takes only well-formed models; a stored state round-trips, a damaged one is dropped', async () => {
    const token = await sign(guideToken());
    const shown = JSON.parse(JSON.stringify(model({ token, verification: await verified(token, ['FinanceUsers']) }))) as unknown;
    assert.deepEqual(readInspectorState({ model: shown }), { model: shown });
    assert.deepEqual(readToWebview({ type: 'show', model: shown, live: true }), { type: 'show', model: shown, live: true });
    assert.deepEqual(readToWebview({ type: 'show', model: null }), { type: 'show', model: null, live: false });
    assert.equal(readInspectorState({ model: { ...(shown as object), checklist: [{ title: 'x', rows: [{ code: 'A', name: 'a', status: 'maybe', text: '' }] }] } }), undefined);
    assert.equal(readInspectorState('{"model":null}'), undefined);
    assert.equal(readToWebview({ type: 'show', model: { decision: 'ALLOW' } }), undefined);
  });
});
