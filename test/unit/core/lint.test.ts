import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyPayload, findJwts, formatPath, type LintOptions, lintDocument, LineIndex } from '../../../src/core';
import { CLIENT_ID, goodAssertion, goodToken, ISSUER, NOW, TOKEN_ENDPOINT } from '../fixtures';

const options: LintOptions = { now: NOW, assertion: { clientId: CLIENT_ID, tokenEndpoint: TOKEN_ENDPOINT } };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The text a finding's range covers. */
const covered = (text: string, range: { offset: number; length: number }) => text.slice(range.offset, range.offset + range.length);

describe('lintDocument', () => {
  const text = [
    '{',
    `  "iss": "${CLIENT_ID}",`,
    `  "sub": "${CLIENT_ID}",`,
    `  "aud": "${ISSUER}",`,
    `  "iat": ${NOW},`,
    `  "exp": ${NOW + 300},`,
    '  "jti": "6f1c2a9e-3b7d-4c55-9e0a-2f8b7c1d4e6a",',
    '  "act": { "email": "alice@corp.example.com" }',
    '}',
  ].join('\n');

  it('places a wrong value on the value itself, with 0-based line and character', () => {
    const finding = lintDocument(text, options).findings.find((f) => f.code === 'AGBAC010');
    assert.ok(finding);
    assert.equal(covered(text, finding.range), `"${ISSUER}"`);
    assert.deepEqual(finding.range.start, { line: 3, character: 9 });
    assert.deepEqual(finding.range.end, { line: 3, character: 9 + ISSUER.length + 2 });
    assert.equal(formatPath(finding.documentPath), '$.aud');
  });

  it('places a member missing from a nested object on that object\'s key', () => {
    const finding = lintDocument(text, options).findings.find((f) => f.code === 'AGBAC030');
    assert.ok(finding);
    assert.equal(covered(text, finding.range), '"act"');
    assert.deepEqual(finding.documentPath, ['act', 'sub']);
  });

  it('places a member missing from the payload on its opening brace', () => {
    const finding = lintDocument('{\n  "iss": "x", "sub": "x"\n}', { now: NOW }).findings.find((f) => f.code === 'AGBAC008');
    assert.deepEqual(finding?.range.start, { line: 0, character: 0 });
    assert.equal(finding?.range.length, 1);
  });

  it('gives related locations where two places disagree', () => {
    const source = JSON.stringify(goodAssertion({ sub: '00u1a2b3c4d5e6f7g8h' }), null, 2);
    const finding = lintDocument(source, { now: NOW }).findings.find((f) => f.code === 'AGBAC006');
    assert.equal(covered(source, finding?.range ?? { offset: 0, length: 0 }), '"00u1a2b3c4d5e6f7g8h"');
    assert.equal(covered(source, finding?.relatedLocations[0]?.range ?? { offset: 0, length: 0 }), `"${CLIENT_ID}"`);
  });

  it('lints every payload of an array, with the index in the path', () => {
    const source = JSON.stringify([goodAssertion(), goodAssertion({ exp: '1767348300' }), { unrelated: true }], null, 2);
    const { findings, sites } = lintDocument(source, options);
    assert.equal(sites.length, 2);
    assert.deepEqual(findings.map((f) => `${f.code} ${formatPath(f.documentPath)}`), ['AGBAC016 $[1].exp']);
    assert.equal(covered(source, findings[0]?.range ?? { offset: 0, length: 0 }), '"1767348300"');
  });

  it('lints JWT strings in any object, pointing at the header or payload segment', () => {
    const header = b64({ alg: 'none' });
    const payload = b64(goodAssertion({ aud: ISSUER }));
    const jwt = `${header}.${payload}.`;
    const source = `{\n  "note": "from the agent's log",\n  "assertion": "${jwt}"\n}`;
    const { findings, sites } = lintDocument(source, options);
    assert.equal(sites[0]?.origin, 'jwt');
    const none = findings.find((f) => f.code === 'AGBAC062' || f.code === 'AGBAC060');
    assert.equal(covered(source, none?.range ?? { offset: 0, length: 0 }), header);
    const aud = findings.find((f) => f.code === 'AGBAC010');
    assert.equal(covered(source, aud?.range ?? { offset: 0, length: 0 }), payload);
    assert.deepEqual(aud?.documentPath, ['assertion']);
  });

  it('reports a JWT-shaped string that does not decode', () => {
    const source = `{ "token": "eyJhbGciOiJIUzI1NiJ9.eyJpc3Mi+.sig" }`;
    const [finding] = lintDocument(source, options).findings;
    assert.equal(finding?.code, 'AGBAC090');
    assert.match(finding?.message ?? '', /base64url/);
  });

  it('lints a text that is one JWT, such as a .jwt file', () => {
    const jwt = `${b64({ alg: 'RS256', kid: 'k' })}.${b64(goodToken({ exp: NOW - 4000, iat: NOW - 7600 }))}.c2ln`;
    const { findings, sites } = lintDocument(`\n${jwt}\n`, { now: NOW });
    assert.equal(sites[0]?.kind, 'token');
    assert.deepEqual(findings.map((f) => f.code), ['AGBAC105']);
    assert.equal(findings[0]?.range.start.line, 1);
  });

  it('reports a syntax error once, where it is, and nothing else', () => {
    const { findings } = lintDocument('{\n  "iss": "a"\n  "sub": "b"\n}', options);
    assert.deepEqual(findings.map((f) => f.code), ['AGBAC000']);
    assert.equal(findings[0]?.range.start.line, 2);
    assert.match(findings[0]?.message ?? '', /CommaExpected at line 3, column 3/);
  });

  it('accepts JSONC comments and trailing commas', () => {
    const source = `// an assertion\n${JSON.stringify(goodAssertion(), null, 2).replace(/\n}$/, ',\n}')}`;
    assert.deepEqual(lintDocument(source, options).findings, []);
  });

  it('ignores JSON that is not a payload unless told the file holds assertions', () => {
    assert.deepEqual(lintDocument('{ "name": "package", "version": "1.0.0" }', options).findings, []);
    const forced = lintDocument('{}', { ...options, kind: 'assertion' }).findings.map((f) => f.code);
    assert.deepEqual(forced, ['AGBAC002', 'AGBAC004', 'AGBAC008', 'AGBAC015', 'AGBAC024', 'AGBAC028']);
    assert.deepEqual(lintDocument('"just a string"', { ...options, kind: 'assertion' }).findings.map((f) => f.code), ['AGBAC001']);
  });

  it('counts positions across CRLF line ends', () => {
    const source = JSON.stringify(goodAssertion({ aud: ISSUER }), null, 2).replace(/\n/g, '\r\n');
    const finding = lintDocument(source, options).findings.find((f) => f.code === 'AGBAC010');
    assert.equal(finding?.range.start.line, 3);
    assert.equal(covered(source, finding?.range ?? { offset: 0, length: 0 }), `"${ISSUER}"`);
  });
});

describe('classifyPayload', () => {
  it('tells tokens from assertions from anything else', () => {
    assert.equal(classifyPayload(goodToken()), 'token');
    assert.equal(classifyPayload(goodAssertion()), 'assertion');
    assert.equal(classifyPayload({ act: {} }), 'assertion');
    assert.equal(classifyPayload({ iss: 'x' }), undefined);
    assert.equal(classifyPayload([goodAssertion()]), undefined);
  });
});

describe('text helpers', () => {
  it('finds JWTs in free text and not inside longer words', () => {
    const jwt = `${b64({ alg: 'HS256' })}.${b64({ a: 1 })}.c2ln`;
    const text = `Authorization: Bearer ${jwt}\nxeyJnot.a.jwt and ${jwt}`;
    const found = findJwts(text);
    assert.deepEqual(found.map((f) => f.offset), [text.indexOf(jwt), text.lastIndexOf(jwt)]);
  });

  it('maps offsets to positions and back', () => {
    const index = new LineIndex('ab\ncd\r\nef');
    assert.deepEqual(index.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(index.positionAt(7), { line: 2, character: 0 });
    assert.equal(index.offsetAt({ line: 2, character: 1 }), 8);
  });
});

describe('severity of stale times', () => {
  it('is a note in a payload file being edited, and a warning in a signed assertion', () => {
    const stale = goodAssertion({ iat: NOW - 4000, exp: NOW - 3700 });
    const inFile = lintDocument(JSON.stringify(stale), { now: NOW }).findings.find((f) => f.code === 'AGBAC020');
    assert.equal(inFile?.severity, 'info');
    const jwt = `${b64({ alg: 'HS256' })}.${b64(stale)}.c2ln`;
    const signed = lintDocument(`{"assertion": "${jwt}"}`, { now: NOW }).findings.find((f) => f.code === 'AGBAC020');
    assert.equal(signed?.severity, 'warning');
  });
});
