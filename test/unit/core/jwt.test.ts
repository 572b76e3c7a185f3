import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt, JwtDecodeError, looksLikeJwt, parseJwt } from '../../../src/core';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });
const PAYLOAD = b64({ iss: '0oa1', act: { sub: '00u1' } });

function failure(token: unknown): JwtDecodeError {
  const result = parseJwt(token);
  if (result.ok) assert.fail('expected a decode failure');
  return result.error;
}

describe('decodeJwt', () => {
  it('decodes header, payload and segment offsets', () => {
    const token = `${HEADER}.${PAYLOAD}.c2ln`;
    const jwt = decodeJwt(token);
    assert.deepEqual(jwt.header, { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(jwt.payload, { iss: '0oa1', act: { sub: '00u1' } });
    assert.deepEqual(jwt.segments.header, { text: HEADER, start: 0, end: HEADER.length });
    assert.equal(token.slice(jwt.segments.payload.start, jwt.segments.payload.end), PAYLOAD);
    assert.equal(jwt.segments.signature.text, 'c2ln');
  });

  it('accepts an empty signature (unsecured JWT) but decodes it as such', () => {
    assert.equal(decodeJwt(`${HEADER}.${PAYLOAD}.`).segments.signature.text, '');
  });

  it('throws a coded error (the throwing variant)', () => {
    assert.throws(() => decodeJwt('a.b'), (error: unknown) => error instanceof JwtDecodeError && error.code === 'ERR_JWT_SEGMENT_COUNT');
  });

  it('fails on a non-string', () => {
    assert.equal(failure(42).failure, 'not-a-string');
    assert.match(failure(null).message, /got null/);
  });

  it('fails on the wrong number of segments, naming JWE for five', () => {
    assert.match(failure('abc.def').message, /3 dot-separated segments, this text has 2/);
    assert.match(failure('a.b.c.d.e').message, /encrypted JWE/);
  });

  it('points at the first bad base64url character', () => {
    const token = `${HEADER}.${PAYLOAD.slice(0, 5)}+${PAYLOAD.slice(6)}.sig`;
    const error = failure(token);
    assert.equal(error.failure, 'base64url');
    assert.equal(error.segment, 'payload');
    assert.equal(error.position, HEADER.length + 1 + 5);
    assert.match(error.message, /invalid base64url character "\+" at offset \d+ \(standard base64, not base64url\)/);
  });

  it('explains padding', () => {
    assert.match(failure(`${HEADER}=.${PAYLOAD}.sig`).message, /has no padding/);
  });

  it('rejects a segment length no byte string has', () => {
    const error = failure(`${HEADER}.${PAYLOAD}a.sig`.replace(PAYLOAD + 'a', 'abcde'));
    assert.equal(error.failure, 'base64url');
    assert.match(error.message, /truncated/);
  });

  it('rejects an empty header', () => {
    assert.equal(failure(`.${PAYLOAD}.sig`).segment, 'header');
  });

  it('rejects bytes that are not UTF-8', () => {
    const error = failure(`${HEADER}.${Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')}.sig`);
    assert.equal(error.failure, 'utf8');
    assert.equal(error.segment, 'payload');
  });

  it('names the JSON syntax error and where it is in the decoded text', () => {
    const error = failure(`${b64('{"alg": "HS256",}')}.${PAYLOAD}.sig`);
    assert.equal(error.failure, 'json');
    assert.equal(error.segment, 'header');
    assert.match(error.message, /header: decoded text is not JSON \(.+ at character \d+/);
  });

  it('rejects header or payload that are not objects', () => {
    assert.match(failure(`${HEADER}.${b64('[1,2]')}.sig`).message, /payload: must be a JSON object, it is an array/);
    assert.match(failure(`${b64('"x"')}.${PAYLOAD}.sig`).message, /header: must be a JSON object, it is a string/);
    assert.match(failure(`${HEADER}.${b64('null')}.sig`).message, /it is null/);
  });

  it('recognises JWT-shaped text', () => {
    assert.equal(looksLikeJwt(`${HEADER}.${PAYLOAD}.sig`), true);
    assert.equal(looksLikeJwt('hello.world.again'), false);
    assert.equal(looksLikeJwt(` ${HEADER}.${PAYLOAD}.sig`), false);
  });
});
