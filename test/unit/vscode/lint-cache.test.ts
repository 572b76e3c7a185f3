/** One lint per document version: hovers and code actions reuse what diagnostics computed, never a stale result. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LintCache } from '../../../src/vscode/model/lint-cache';

describe('LintCache', () => {
  it('lints once per document version and options, and again when either changes', () => {
    const cache = new LintCache<number>(30);
    let lints = 0;
    const lint = () => ++lints;
    assert.equal(cache.get('file:///a.json', 1, 'options', 1000, lint), 1);
    assert.equal(cache.get('file:///a.json', 1, 'options', 1005, lint), 1, 'a hover on the same version');
    assert.equal(cache.get('file:///a.json', 1, 'options', 1029, lint), 1, 'a code action on the same version');
    assert.equal(lints, 1);
    assert.equal(cache.get('file:///a.json', 2, 'options', 1030, lint), 2, 'an edit');
    assert.equal(cache.get('file:///a.json', 2, 'other settings', 1030, lint), 3, 'a settings change');
    assert.equal(cache.get('file:///b.json', 1, 'other settings', 1030, lint), 4, 'another document');
  });

  it('lints again once a result is old enough for time findings to have changed, or the clock went back', () => {
    const cache = new LintCache<number>(30);
    let lints = 0;
    const lint = () => ++lints;
    cache.get('doc', 1, 'o', 1000, lint);
    assert.equal(cache.get('doc', 1, 'o', 1030, lint), 2);
    assert.equal(cache.get('doc', 1, 'o', 1000, lint), 3);
  });

  it('forgets closed documents', () => {
    const cache = new LintCache<number>();
    cache.get('doc', 1, 'o', 1, () => 1);
    cache.forget('doc');
    assert.equal(cache.size, 0);
    assert.equal(cache.get('doc', 1, 'o', 1, () => 7), 7);
  });
});
