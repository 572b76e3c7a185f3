/** The shape checks after JSON.parse: the quick count agrees with the full scan on every text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonShapeProblem, parsedShapeProblem } from '../../../src/core/json-guard';

describe('parsedShapeProblem', () => {
  it('finds repeated names, whatever the strings around them hold', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"a":{"b":1,"b":1}}',
      '{"x":"\\":","a":1,"a":2}',
      '{"a" : 1, "\\u0061": 2}',
      '[{"k":1},{"k":1,"k":2}]',
    ]) {
      assert.equal(parsedShapeProblem(text, JSON.parse(text))?.kind, 'duplicate-member', text);
    }
    for (const text of ['{"a":1,"b":{"a":2}}', '{"x":"\\":\\":","y":"\\"  :"}', '[1,2,{"a":[{"a":1}]}]', '{}', '"just a string"']) {
      assert.equal(parsedShapeProblem(text, JSON.parse(text)), undefined, text);
    }
  });

  it('agrees with the full scan on generated JSON, duplicates spliced in or not (2,000 inputs)', () => {
    const member = fc.tuple(fc.constantFrom('a', 'b', 'sub', 'act', '\\u0061', 'x":'), fc.oneof(fc.integer(), fc.string(), fc.constant('":')));
    fc.assert(
      fc.property(fc.array(member, { maxLength: 6 }), fc.boolean(), (members, nested) => {
        const body = members.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',');
        const text = nested ? `{"outer":{${body}},"z":[{${body}}]}` : `{${body}}`;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return;
        }
        assert.deepEqual(parsedShapeProblem(text, value)?.kind, jsonShapeProblem(text, { duplicates: true })?.kind, text);
      }),
      { numRuns: 2000, seed: 20261130 },
    );
  });

  it('refuses nesting beyond the limit', () => {
    const text = `${'['.repeat(70)}${']'.repeat(70)}`;
    assert.equal(parsedShapeProblem(text, JSON.parse(text))?.kind, 'too-deep');
  });
});
