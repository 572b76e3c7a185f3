/**
 * Properties of the core's readers of untrusted text, over generated inputs (fast-check, fixed
 * seeds): decoding a JWT, linting a document, locating JSON paths. Random strings, and structured
 * generators that start from valid payloads and tokens and change them claim by claim, segment by
 * segment. Whatever the input: no exception but the documented one, every finding well-formed,
 * and the same answer every time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeControls,
  type JsonPath,
  JwtDecodeError,
  lintDocument,
  type LintOptions,
  MAX_JSON_DEPTH,
  parseJwt,
  RULES,
} from '../../../src/core';
import { JsonLocator } from '../../../src/core/locate';

/** The range the locator finds for one path. */
function locate(text: string, path: readonly (string | number)[]) {
  const locator = new JsonLocator();
  locator.want(path);
  return locator.scan(text).value(path);
}
import { b64, fc, holds, isPrintableLine, jsonishText, jsonValue } from '../property';
import { API_AUDIENCE, CLIENT_ID, goodAssertion, goodToken, ISSUER, NOW, TOKEN_ENDPOINT } from '../fixtures';

const DECODE_CODES = new Set([
  'ERR_JWT_NOT_A_STRING', 'ERR_JWT_SEGMENT_COUNT', 'ERR_JWT_BASE64URL', 'ERR_JWT_UTF8', 'ERR_JWT_JSON', 'ERR_JWT_NOT_OBJECT',
  'ERR_JWT_DUPLICATE_MEMBER', 'ERR_JWT_TOO_DEEP',
]);
const CODES = new Set<string>(RULES.map((rule) => rule.code));
const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** What JSON can carry of a value (-0 becomes 0, undefined members vanish). */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** Checks one decode result: the documented error, or objects that are what the segments say. */
function checkDecode(input: string): void {
  const result = parseJwt(input);
  if (!result.ok) {
    assert.ok(result.error instanceof JwtDecodeError);
    assert.ok(DECODE_CODES.has(result.error.code), result.error.code);
    assert.ok(isPrintableLine(result.error.message), result.error.message);
    return;
  }
  const [header = '', payload = ''] = input.split('.');
  assert.ok(isPlainObject(result.jwt.header) && isPlainObject(result.jwt.payload));
  assert.deepEqual(result.jwt.header, JSON.parse(Buffer.from(header, 'base64url').toString('utf8')));
  assert.deepEqual(result.jwt.payload, JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
}

/** A segment: JSON of any kind, near-JSON, raw bytes, base64url-ish noise, or nothing. */
const segment = (): fc.Arbitrary<string> =>
  fc.oneof(
    jsonValue().map((value) => b64(JSON.stringify(value))),
    fc.dictionary(fc.string({ maxLength: 8 }), jsonValue(), { maxKeys: 6 }).map((value) => b64(JSON.stringify(value))),
    jsonishText().map(b64),
    fc.uint8Array({ maxLength: 64 }).map(b64),
    fc.stringMatching(/^[A-Za-z0-9_=+/.-]{0,40}$/),
    fc.constant(''),
  );

describe('decoding a JWT (properties)', () => {
  it('never throws on any string: 15,000 inputs', () => {
    holds(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), checkDecode, { runs: 15_000 });
  });

  it('never throws on three generated segments: 15,000 inputs', () => {
    holds(fc.tuple(segment(), segment(), segment(), fc.constantFrom('.', '.', '..')), ([h, p, s, dot]) => checkDecode(`${h}${dot}${p}.${s}`), { runs: 15_000 });
  });

  it('reads back any header and payload objects exactly: 10,000 inputs', () => {
    const object = () => fc.dictionary(fc.string({ maxLength: 10 }), jsonValue(), { maxKeys: 8 });
    holds(fc.tuple(object(), object()), ([header, payload]) => {
      const result = parseJwt(`${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}.${b64('sig')}`);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.deepEqual(result.jwt.header, viaJson(header));
      assert.deepEqual(result.jwt.payload, viaJson(payload));
    }, { runs: 10_000 });
  });

  it('refuses a member name repeated anywhere in header or payload, written plainly or escaped: 5,000 inputs', () => {
    const arbitrary = fc.record({
      claims: fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), jsonValue(), { minKeys: 1, maxKeys: 8 }),
      pick: fc.nat(),
      value: jsonValue(),
      escape: fc.boolean(),
      inHeader: fc.boolean(),
    });
    holds(arbitrary, ({ claims, pick, value, escape, inHeader }) => {
      const names = Object.keys(claims);
      const name = names[pick % names.length] ?? '';
      const written = escape ? `\\u${(name.codePointAt(0) ?? 97).toString(16).padStart(4, '0')}${name.slice(1)}` : name;
      const text = `{"${written}":${JSON.stringify(value)},${JSON.stringify(claims).slice(1)}`;
      const other = b64(JSON.stringify({ alg: 'RS256' }));
      const token = inHeader ? `${b64(text)}.${other}.sig` : `${other}.${b64(text)}.sig`;
      const result = parseJwt(token);
      assert.ok(!result.ok && result.error.code === 'ERR_JWT_DUPLICATE_MEMBER', result.ok ? 'accepted' : result.error.message);
      assert.equal(result.error.segment, inHeader ? 'header' : 'payload');
    }, { runs: 5_000 });
  });

  it(`refuses nesting beyond ${MAX_JSON_DEPTH} levels and accepts it up to there: 2,000 inputs`, () => {
    holds(fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean()), ([depth, closed]) => {
      const inner = `${'['.repeat(depth - 1)}0${closed ? ']'.repeat(depth - 1) : ''}`;
      const result = parseJwt(`${b64('{"alg":"RS256"}')}.${b64(`{"a":${inner}}`)}.sig`);
      if (depth > MAX_JSON_DEPTH) assert.equal(result.ok ? 'ok' : result.error.code, 'ERR_JWT_TOO_DEEP');
      else if (closed || depth === 1) assert.ok(result.ok, result.ok ? '' : result.error.message);
      else assert.equal(result.ok ? 'ok' : result.error.code, 'ERR_JWT_JSON');
    }, { runs: 2_000 });
  });
});

const LINT: LintOptions = {
  now: NOW,
  assertion: { clientId: CLIENT_ID, tokenEndpoint: TOKEN_ENDPOINT, issuer: ISSUER, apiAudience: API_AUDIENCE },
  token: { issuer: ISSUER, audience: API_AUDIENCE },
};

/** Lints a text and checks every finding: a known rule, a range inside the text, one printable line; the same twice. */
function checkLint(text: string, options: LintOptions = LINT): void {
  const result = lintDocument(text, options);
  for (const finding of result.findings) {
    assert.ok(CODES.has(finding.code), finding.code);
    assert.ok(finding.range.offset >= 0 && finding.range.length >= 0 && finding.range.offset + finding.range.length <= text.length, `${finding.code} ${JSON.stringify(finding.range)} in ${text.length}`);
    assert.ok(finding.range.start.line <= finding.range.end.line);
    assert.ok(isPrintableLine(finding.message), finding.message);
  }
  assert.deepEqual(lintDocument(text, options), result, 'deterministic');
}

/** A payload changed claim by claim: members replaced by any JSON, removed, or added. */
const mutated = (base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...Object.keys(base), 'nbf', 'cid', 'crit', '__proto__', 'act'), fc.string({ maxLength: 6 })),
        fc.oneof(jsonValue(), fc.constant(undefined), fc.constantFrom(1e300, -1, 0, 'alice@corp.example.com', 'me', '00u', { sub: 'me', act: { sub: 'x' } }, [base.aud])),
      ),
      { maxLength: 4 },
    )
    .map((changes) => {
      const copy: Record<string, unknown> = { ...base };
      for (const [name, value] of changes) {
        if (value === undefined) delete copy[name];
        else Object.defineProperty(copy, name, { value, enumerable: true, configurable: true, writable: true });
      }
      return copy;
    });

describe('linting a document (properties)', () => {
  it('never throws on near-JSON text, and places every finding in it: 10,000 inputs', () => {
    holds(jsonishText(), (text) => checkLint(text), { runs: 10_000 });
  });

  it('checks assertion and token payloads changed claim by claim: 10,000 inputs', () => {
    const payloads = fc.oneof(mutated(goodAssertion()), mutated(goodToken()));
    holds(fc.tuple(fc.array(payloads, { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 2, '\t'), fc.boolean()), ([items, indent, asArray]) => {
      const text = JSON.stringify(asArray ? items : items[0], null, indent);
      checkLint(text);
      checkLint(text, { ...LINT, kind: 'token' });
    }, { runs: 10_000 });
  });

  it('checks JWTs found in JSON, their segments changed: 5,000 inputs', () => {
    holds(fc.tuple(mutated(goodToken()), segment(), fc.boolean()), ([payload, header, mangle]) => {
      const token = `${mangle ? header : b64('{"alg":"RS256","kid":"k1"}')}.${b64(JSON.stringify(payload))}.c2ln`;
      checkLint(JSON.stringify({ config: { tokens: [token, `${token}x`] } }, null, 2));
      checkLint(token);
    }, { runs: 5_000 });
  });
});

/** The paths of every value in a JSON value (up to a number of them). */
function pathsOf(value: unknown, limit = 50): JsonPath[] {
  const paths: JsonPath[] = [];
  const visit = (item: unknown, path: (string | number)[]) => {
    if (paths.length >= limit) return;
    paths.push([...path]);
    if (Array.isArray(item)) item.forEach((child, index) => visit(child, [...path, index]));
    else if (isPlainObject(item)) for (const [key, child] of Object.entries(item as Record<string, unknown>)) visit(child, [...path, key]);
  };
  visit(value, []);
  return paths;
}

describe('locating JSON paths (properties)', () => {
  it('finds the exact text of any value at any path, however the JSON is laid out: 5,000 inputs', () => {
    const root = fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), jsonValue(), { maxKeys: 6 }), fc.array(jsonValue(), { maxLength: 6 }));
    holds(fc.tuple(root, fc.constantFrom(0, 1, 4, '\t'), fc.nat()), ([value, indent, pick]) => {
      const text = JSON.stringify(value, null, indent);
      const normal = viaJson(value);
      const paths = pathsOf(normal);
      const path = paths[pick % paths.length] ?? [];
      const range = locate(text, path);
      assert.ok(range, `no range for ${JSON.stringify(path)}`);
      const expected = path.reduce<unknown>((item, key) => (item as Record<string | number, unknown>)[key], normal);
      assert.deepEqual(JSON.parse(text.slice(range.offset, range.offset + range.length)), expected);
    }, { runs: 5_000 });
  });
});

describe('escaping text for a terminal (properties)', () => {
  it('leaves nothing that moves the cursor or reorders text, and changes nothing else: 5,000 inputs', () => {
    holds(fc.tuple(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 })), fc.boolean()), ([text, keepNewlines]) => {
      const escaped = escapeControls(text, { keepNewlines });
      if (keepNewlines) assert.ok(escaped.split('\n').every(isPrintableLine), JSON.stringify(escaped));
      else assert.ok(isPrintableLine(escaped), JSON.stringify(escaped));
      // Text without such characters comes out as it went in.
      if (isPrintableLine(text) && !/[\ud800-\udfff\u061c\u200e\u200f]/.test(text)) assert.equal(escaped, text);
    }, { runs: 5_000 });
  });
});
