/** The set behind the sandbox's single-use jti check: members stay until they expire, and only until then. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiringSet } from '../../../src/sandbox/expiring-set';

describe('ExpiringSet', () => {
  it('refuses a member twice until it expires, then takes it again', () => {
    const set = new ExpiringSet();
    assert.equal(set.add('a', 100), true);
    assert.equal(set.add('a', 500), false, 'a replay');
    set.forgetUntil(100);
    assert.equal(set.has('a'), true, 'not expired at its own expiry');
    set.forgetUntil(101);
    assert.equal(set.has('a'), false);
    assert.equal(set.add('a', 200), true);
  });

  it('forgets exactly the expired members, whatever order they came in', () => {
    const set = new ExpiringSet();
    const expiries = Array.from({ length: 1000 }, (_, index) => (index * 7919) % 1000);
    expiries.forEach((expiry, index) => set.add(`m${index}`, expiry));
    for (const now of [0, 1, 250, 500, 999, 1000]) {
      set.forgetUntil(now);
      const kept = expiries.filter((expiry) => expiry >= now).length;
      assert.equal(set.size, kept, `at ${now}`);
      expiries.forEach((expiry, index) => assert.equal(set.has(`m${index}`), expiry >= now, `m${index} (expires ${expiry}) at ${now}`));
    }
  });

  it('checks in about constant time with 100,000 members stored', () => {
    const set = new ExpiringSet();
    for (let index = 0; index < 100_000; index++) set.add(`stored-${index}`, 10_000 + index);
    const start = performance.now();
    for (let index = 0; index < 10_000; index++) {
      set.forgetUntil(5_000);
      set.add(`fresh-${index}`, 20_000);
    }
    // A scan of every member would take seconds here; the heap takes milliseconds.
    assert.ok(performance.now() - start < 1_000, `${(performance.now() - start).toFixed(0)} ms for 10,000 checks`);
    assert.equal(set.size, 110_000);
  });
});
