import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTextEdit, type FixContext, fixFor, formatPath, type LintOptions, lintDocument, type RuleCode, USER_ID_PLACEHOLDER } from '../../../src/core';
import { CLIENT_ID, goodAssertion, ISSUER, NOW, TOKEN_ENDPOINT, USER_ID, without } from '../fixtures';

const lintOptions: LintOptions = { now: NOW, assertion: { profile: 'agbac-1.0', clientId: CLIENT_ID, tokenEndpoint: TOKEN_ENDPOINT } };
const newId = () => 'b7e4f0a2-9c1d-4e8f-a3b5-6d2c8e0f1a47';
const context: FixContext = { now: NOW, clientId: CLIENT_ID, tokenEndpoint: TOKEN_ENDPOINT, newId };

/** Applies the fix of the first finding with `code`; returns the new text. */
function applyFix(text: string, code: string, fixContext: FixContext = context, options: LintOptions = lintOptions): string {
  const finding = lintDocument(text, options).findings.find((f) => f.code === code);
  assert.ok(finding, `${code} found`);
  const fix = fixFor(text, finding, fixContext);
  assert.ok(fix, `${code} has a fix`);
  return applyTextEdit(text, fix.edit);
}

const codes = (text: string, options: LintOptions = lintOptions) => lintDocument(text, options).findings.map((f) => f.code);
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

describe('quick fixes', () => {
  const withoutConnection: LintOptions = { now: NOW, assertion: { profile: 'agbac-1.0' } };
  const broken: [RuleCode, unknown, LintOptions?][] = [
    ['AGBAC002', without(goodAssertion(), 'iss')],
    ['AGBAC006', goodAssertion({ sub: 'alice@corp.example.com' }), withoutConnection],
    ['AGBAC007', goodAssertion({ iss: '0oaOTHERCLIENT12345' })],
    ['AGBAC008', without(goodAssertion(), 'aud')],
    ['AGBAC010', goodAssertion({ aud: ISSUER })],
    ['AGBAC011', goodAssertion({ aud: 'https://other.okta.com/oauth2/aus9/v1/token' })],
    ['AGBAC013', goodAssertion({ aud: 'okta' })],
    ['AGBAC015', without(goodAssertion(), 'exp')],
    ['AGBAC016', goodAssertion({ exp: 'soon' })],
    ['AGBAC017', goodAssertion({ exp: NOW - 10 })],
    ['AGBAC018', goodAssertion({ exp: NOW + 86400 })],
    ['AGBAC019', goodAssertion({ exp: NOW + 900 })],
    ['AGBAC020', goodAssertion({ iat: NOW - 4000, exp: NOW - 3700 })],
    ['AGBAC021', goodAssertion({ iat: NOW + 900, exp: NOW + 1200 })],
    ['AGBAC022', goodAssertion({ nbf: NOW + 900 })],
    ['AGBAC023', goodAssertion({ iat: 'now' })],
    ['AGBAC024', without(goodAssertion(), 'jti')],
    ['AGBAC025', goodAssertion({ jti: '' })],
    ['AGBAC026', goodAssertion({ jti: '1' })],
    ['AGBAC027', goodAssertion({ jti: `assertion-${NOW}` })],
    ['AGBAC028', without(goodAssertion(), 'act')],
    ['AGBAC029', goodAssertion({ act: 'alice@corp.example.com' })],
    ['AGBAC031', goodAssertion({ act: { sub: 'alice@corp.example.com', name: 'Alice Smith' } })],
    ['AGBAC040', without(goodAssertion(), 'delegation')],
    ['AGBAC041', goodAssertion({ delegation: 'yes' })],
    ['AGBAC042', goodAssertion({ delegation: { granted_at: 'then', method: 'explicit', intent_summary: 'Read' } })],
    ['AGBAC046', without(goodAssertion(), 'agbac_ver')],
    ['AGBAC047', goodAssertion({ agbac_ver: '0.9' })],
  ];

  for (const [code, payload, options = lintOptions] of broken) {
    it(`${code}: the fix removes the finding`, () => {
      const before = pretty(payload);
      const fixContext = options === lintOptions ? { ...context, userId: USER_ID } : { now: NOW, newId };
      const after = applyFix(before, code, fixContext, options);
      assert.ok(!codes(after, options).includes(code), `${code} still in ${codes(after, options).join(', ')}\n${after}`);
      assert.doesNotThrow(() => JSON.parse(after), 'the fixed text is still JSON');
    });
  }

  it('moves an email out of act.sub into act.email and uses the looked-up user id', () => {
    const after = JSON.parse(applyFix(pretty(goodAssertion({ act: { sub: 'alice@corp.example.com' } })), 'AGBAC031', { ...context, userId: USER_ID })) as { act: unknown };
    assert.deepEqual(after.act, { sub: USER_ID, email: 'alice@corp.example.com' });
  });

  it('leaves a visible placeholder when no user id is known', () => {
    const text = applyFix(pretty(goodAssertion({ act: { sub: 'alice@corp.example.com' } })), 'AGBAC031');
    assert.ok(text.includes(USER_ID_PLACEHOLDER));
    assert.ok(codes(text).includes('AGBAC032'), 'the placeholder is still flagged');
  });

  it('sets aud to the issuer under the guide\'s convention', () => {
    const options: LintOptions = { now: NOW, assertion: { audienceStyle: 'issuer', issuer: ISSUER } };
    const text = applyFix(pretty(goodAssertion({ aud: 'https://other.okta.com/oauth2/aus9' })), 'AGBAC011', { now: NOW, newId, issuer: ISSUER, audienceStyle: 'issuer' }, options);
    assert.equal((JSON.parse(text) as { aud: string }).aud, ISSUER);
  });

  it('derives the token endpoint from an issuer-shaped aud when no connection is known', () => {
    const text = applyFix(pretty(goodAssertion({ aud: ISSUER })), 'AGBAC010', { now: NOW, newId }, { now: NOW });
    assert.equal((JSON.parse(text) as { aud: string }).aud, TOKEN_ENDPOINT);
  });

  it('edits only what it must: one minimal edit, comments and layout kept', () => {
    const text = `{\n  // the agent\n  "iss": "${CLIENT_ID}",\n  "sub": "${CLIENT_ID}",\n  "aud": "${ISSUER}",\n  "exp": ${NOW + 300}, "iat": ${NOW},\n  "jti": "6f1c2a9e-3b7d-4c55-9e0a-2f8b7c1d4e6a",\n  "act": {"sub": "${USER_ID}"}\n}`;
    const finding = lintDocument(text, { now: NOW }).findings.find((f) => f.code === 'AGBAC010');
    const fix = finding && fixFor(text, finding, { now: NOW, newId });
    assert.ok(fix);
    assert.equal(fix.edit.content, '/v1/token');
    assert.equal(applyTextEdit(text, fix.edit), text.replace(`"${ISSUER}"`, `"${TOKEN_ENDPOINT}"`));
  });

  it('fixes a payload inside an array in place', () => {
    const text = pretty([goodAssertion(), goodAssertion({ jti: 'x' })]);
    const after = JSON.parse(applyFix(text, 'AGBAC026')) as { jti: string }[];
    assert.equal(after[0]?.jti, goodAssertion().jti);
    assert.equal(after[1]?.jti, 'b7e4f0a2-9c1d-4e8f-a3b5-6d2c8e0f1a47');
  });

  it('offers nothing for a finding inside a signed JWT (it cannot be edited)', () => {
    const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(goodAssertion({ aud: ISSUER }))).toString('base64url')}.c2ln`;
    const text = `{ "assertion": "${jwt}" }`;
    const finding = lintDocument(text, { now: NOW }).findings.find((f) => f.code === 'AGBAC010');
    assert.ok(finding);
    assert.equal(fixFor(text, finding, context), undefined);
  });

  it('offers no client-id fix when no id can be known', () => {
    const text = pretty({ aud: TOKEN_ENDPOINT, exp: NOW + 300, act: { sub: USER_ID } });
    const finding = lintDocument(text, { now: NOW }).findings.find((f) => f.code === 'AGBAC002');
    assert.ok(finding);
    assert.equal(fixFor(text, finding, { now: NOW, newId }), undefined);
    assert.equal(formatPath(finding.documentPath), '$.iss');
  });
});
