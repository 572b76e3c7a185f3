/**
 * The sandbox's request parsing over generated input (fast-check, fixed seed): form bodies, search
 * and filter expressions, request paths and JSON bodies. Each either reads what was sent exactly
 * or refuses it with the error that becomes a 4xx answer in Okta's shape; nothing else escapes
 * (anything else would be a 500).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ApiError, OAuthError } from '../../../src/sandbox/errors';
import { type FilterExpression, FilterError, matchesFilter, parseFilter } from '../../../src/sandbox/filter';
import { parseForm } from '../../../src/sandbox/form';
import { Router } from '../../../src/sandbox/http';
import { readJson } from '../../../src/sandbox/management/common';
import { fc, holds, holdsAsync, jsonishText, jsonValue } from '../property';

const ATTRIBUTES = ['id', 'status', 'profile.login', 'profile.email'];

/** Runs `read`; it must return, or throw the one error class given. */
function returnsOrThrows<T>(read: () => T, allowed: new (...args: never[]) => Error): T | undefined {
  try {
    return read();
  } catch (error) {
    assert.ok(error instanceof allowed, `${String(error)}`);
    return undefined;
  }
}

describe('form bodies (properties)', () => {
  it('any bytes: a form or invalid_request, 10,000 inputs', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }).map((text) => new TextEncoder().encode(text)), jsonishText().map((text) => new TextEncoder().encode(text.replace(/[{}]/g, '&'))));
    holds(bytes, (body) => {
      const form = returnsOrThrows(() => parseForm(body), OAuthError);
      if (form) for (const [name, value] of form) assert.ok(typeof name === 'string' && typeof value === 'string');
    }, { runs: 10_000 });
  });

  it('forms as clients encode them read back exactly, and a repeated name is refused: 5,000 inputs', () => {
    const pairs = fc.uniqueArray(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })), { selector: ([name]) => name, maxLength: 8 });
    holds(fc.tuple(pairs, fc.boolean()), ([entries, repeat]) => {
      const named = entries.filter(([name]) => name !== '');
      const body = new URLSearchParams(named);
      if (repeat && named[0]) body.append(named[0][0], 'again');
      const bytes = new TextEncoder().encode(body.toString());
      if (repeat && named[0]) {
        assert.throws(() => parseForm(bytes), (error: unknown) => error instanceof OAuthError && /must not be repeated/.test(error.message));
      } else {
        assert.deepEqual([...parseForm(bytes)], named);
      }
    }, { runs: 5_000 });
  });
});

/** Expression trees over the attributes, printed the way Okta writes them. */
const expressions: fc.Arbitrary<FilterExpression> = fc.letrec<{ node: FilterExpression }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('compare' as const), attribute: fc.constantFrom(...ATTRIBUTES), operator: fc.constantFrom('eq' as const, 'sw' as const), value: fc.string({ maxLength: 8 }) }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
  ),
})).node;

function print(expression: FilterExpression): string {
  if (expression.kind === 'compare') return `${expression.attribute} ${expression.operator} "${expression.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `(${print(expression.left)} ${expression.kind} ${print(expression.right)})`;
}

function evaluate(expression: FilterExpression, record: Record<string, string>): boolean {
  if (expression.kind === 'compare') {
    const actual = (record[expression.attribute] ?? '').toLowerCase();
    const value = expression.value.toLowerCase();
    return expression.operator === 'eq' ? actual === value : actual.startsWith(value);
  }
  const left = evaluate(expression.left, record);
  const right = evaluate(expression.right, record);
  return expression.kind === 'and' ? left && right : left || right;
}

describe('search and filter expressions (properties)', () => {
  it('any text: an expression or a FilterError, 10,000 inputs', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      jsonishText(),
      fc.array(fc.constantFrom('(', ')', 'and', 'or', 'eq', 'sw', '"x"', '"', '\\', 'profile.login', 'id', ' '), { maxLength: 60 }).map((parts) => parts.join(' ')),
      fc.nat({ max: 20_000 }).map((depth) => `${'('.repeat(depth)}id eq "x"${')'.repeat(depth)}`),
    );
    holds(text, (value) => {
      returnsOrThrows(() => parseFilter(value, ATTRIBUTES), FilterError);
    }, { runs: 10_000 });
  });

  it('printed expression trees parse to what they mean: 5,000 inputs', () => {
    const record = fc.record({ id: fc.string({ maxLength: 3 }), status: fc.constantFrom('ACTIVE', 'SUSPENDED'), 'profile.login': fc.string({ maxLength: 4 }), 'profile.email': fc.string({ maxLength: 4 }) });
    holds(fc.tuple(expressions, record), ([expression, user]) => {
      const text = print(expression);
      const parsed = returnsOrThrows(() => parseFilter(text, ATTRIBUTES), FilterError);
      // Only an expression past the length or nesting bounds may be refused.
      if (!parsed) {
        assert.ok(text.length > 4096 || /\({33}/.test(text.replace(/[^(]/g, '')), text.slice(0, 100));
        return;
      }
      assert.equal(matchesFilter(parsed, (name) => user[name as keyof typeof user]), evaluate(expression, user));
    }, { runs: 5_000 });
  });
});

describe('routing (properties)', () => {
  it('any path resolves to a route, the methods allowed, or nothing: 5,000 inputs', () => {
    const router = new Router().add('GET', '/api/v1/users/:userId', () => ({ status: 200 })).add('POST', '/oauth2/:server/v1/token', () => ({ status: 200 }));
    const paths = fc.oneof(fc.webPath(), fc.string({ maxLength: 60 }), fc.array(fc.constantFrom('api', 'v1', 'users', '%', '%zz', '%2F', '..', '', 'oauth2', 'v1', 'token', '\u0000'), { maxLength: 8 }).map((parts) => `/${parts.join('/')}`));
    holds(fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), paths), ([method, path]) => {
      const resolved = router.resolve(method, path);
      if (resolved && 'params' in resolved) for (const value of Object.values(resolved.params)) assert.equal(typeof value, 'string');
    }, { runs: 5_000 });
  });
});

describe('JSON bodies (properties)', () => {
  /** A request as readJson sees it: headers and a body stream. */
  const request = (body: Uint8Array, type: string) =>
    Object.assign(Readable.from([Buffer.from(body)]), { headers: { 'content-type': type } }) as unknown as IncomingMessage;

  it('any bytes and content type: a value or an Okta API error, 5,000 inputs', async () => {
    const body = fc.oneof(
      jsonValue().map((value) => JSON.stringify(value)),
      jsonishText(),
      fc.nat({ max: 50_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth % 2 === 0 ? depth : 0)}`),
    );
    const bytes = fc.oneof(body.map((text) => new TextEncoder().encode(text)), fc.uint8Array({ maxLength: 100 }));
    await holdsAsync(fc.tuple(bytes, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/scim+json', 'text/plain', '')), async ([data, type]) => {
      try {
        const value = await readJson(request(data, type));
        assert.notEqual(value, undefined);
      } catch (error) {
        assert.ok(error instanceof ApiError, String(error));
        assert.ok(error.status >= 400 && error.status < 500, String(error.status));
      }
    }, { runs: 5_000 });
  });
});
