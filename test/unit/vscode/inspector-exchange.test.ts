/**
 * The Token Inspector for delegation a person gave: an exchanged token shows its two subjects
 * where they are (Okta's on-behalf-of `uid` and `cid`, RFC 8693's `sub` and `act`), the chain of
 * delegation from the human to each agent, and the kind and evidence of the delegation.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type JsonRecord, verifyAccessToken, type Verification } from '../../../src/core';
import { inspectorModel } from '../../../src/vscode/model/inspector-model';
import { type InspectorModel, readInspectorState } from '../../../src/vscode/model/inspector-protocol';
import { API_AUDIENCE, CLIENT_ID, goodToken, ISSUER, NOW, USER_ID, without } from '../fixtures';

const LOGIN = 'alice@corp.example.com';
const FIRST_AGENT = '0oaFIRSTAGENT000001';
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let jwks: { keys: JWK[] };

before(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] };
});

const onBehalfOf = (): JsonRecord => ({ ...without(goodToken(), 'act', 'delegation', 'agbac_ver'), uid: USER_ID, sub: LOGIN, auth_time: NOW - 120 });
const rfc8693 = (): JsonRecord => ({
  ...without(goodToken(), 'act', 'delegation', 'agbac_ver', 'scp'), uid: USER_ID, sub: USER_ID, scope: 'finance.read', auth_time: NOW - 120,
  act: { sub: CLIENT_ID, act: { sub: FIRST_AGENT } },
});

async function shown(payload: JsonRecord, verify: boolean): Promise<InspectorModel> {
  const token = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
  let verification: Verification | undefined;
  if (verify) {
    verification = await verifyAccessToken(token, {
      keys: jwks, issuer: ISSUER, audience: API_AUDIENCE, requiredScopes: ['finance.read'], approvedAgents: [CLIENT_ID, FIRST_AGENT],
      humanApproval: { kind: 'group', group: 'FinanceUsers', memberOf: ['FinanceUsers'] }, detectMapping: true, now: NOW, correlationId: 'c',
    });
  }
  return inspectorModel({
    token, tokenId: 't', connection: 'Sandbox', profile: 'okta-guide', clockSkewSeconds: 60, now: NOW,
    expectations: { issuer: ISSUER, audience: API_AUDIENCE, requiredScopes: ['finance.read'], approvedAgents: [CLIENT_ID], humanApproval: 'member of FinanceUsers' },
    ...(verification ? { verification } : {}),
  });
}

describe('the inspector on exchanged tokens', () => {
  it("Okta's on-behalf-of token: both subjects from uid and cid, and the human's sign-in as the evidence", async () => {
    const model = await shown(onBehalfOf(), true);
    assert.equal(model.decision, 'ALLOW', model.verdict);
    assert.deepEqual(model.subjects.map((card) => [card.role, card.claim, card.id]), [['agent', 'cid', CLIENT_ID], ['human', 'uid', USER_ID]]);
    assert.deepEqual(model.subjects[1]?.facts, [{ label: 'login (sub)', value: LOGIN }, { label: 'signed in (auth_time)', value: '2026-01-02T09:58:00Z' }]);
    assert.equal(model.title, `Access token for ${LOGIN}`);
    assert.deepEqual(model.delegation, {
      type: 'explicit',
      evidence: "the human's own sign-in: their access token was exchanged by the agent (token exchange)",
      shape: 'okta-on-behalf-of',
      grantedAt: '2026-01-02T09:58:00Z',
      chain: [{ role: 'human', id: USER_ID, note: 'signed in and consented' }, { role: 'agent', id: CLIENT_ID, note: 'acts now' }],
    });
    assert.equal(model.roundTrip.status, 'unknown');
    assert.match(model.roundTrip.text, /token exchange/);
  });

  it("RFC 8693's token: the chain of agents, the first one first, even before a verification", async () => {
    const model = await shown(rfc8693(), false);
    assert.deepEqual(model.subjects.map((card) => [card.claim, card.id]), [['act.sub', CLIENT_ID], ['sub', USER_ID]]);
    assert.deepEqual(model.delegation?.chain.map((link) => [link.role, link.id, link.note]), [
      ['human', USER_ID, 'signed in and consented'], ['agent', FIRST_AGENT, 'acted before'], ['agent', CLIENT_ID, 'acts now'],
    ]);
  });

  it("the guide's token: the agent's word, with the human named by the agent", async () => {
    const model = await shown(without(goodToken(), 'delegation', 'agbac_ver'), false);
    assert.deepEqual(model.delegation?.chain.map((link) => link.note), ['named by the agent', 'acts now']);
    assert.equal(model.delegation?.type, 'unknown');
    assert.match(model.delegation?.evidence ?? '', /^the agent's word/);
  });

  it('a stored state keeps the delegation, and a damaged delegation is refused', async () => {
    const model = await shown(onBehalfOf(), false);
    assert.deepEqual(readInspectorState({ model })?.model?.delegation, model.delegation);
    assert.equal(readInspectorState({ model: { ...model, delegation: { ...model.delegation, chain: [{ role: 'boss', id: 'x', note: '' }] } } }), undefined);
    const { delegation: _gone, ...older } = model;
    assert.ok(readInspectorState({ model: older }), 'a state saved before delegations were shown still reads');
  });
});
