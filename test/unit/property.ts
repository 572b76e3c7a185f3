/**
 * Property-based testing with fast-check, the way this suite runs it: a fixed seed per property
 * (a failure reproduces exactly), a stated number of runs (the suite's total is reported by
 * `npm test` and in the README), and a ceiling on the time of each single input, so that
 * "bounded in time" is checked, not hoped for.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';

export { fc };

/** The seed of every property; change it to explore, never to make a failure go away. */
export const SEED = 20260102;

export interface Budget {
  readonly runs: number;
  /** The longest one input may take; default 1 s (the typical input takes microseconds). */
  readonly maxMs?: number;
  readonly seed?: number;
}

/** Times each input of a property and remembers the slowest, to hold it to the budget at the end. */
function stopwatch<T>(budget: Budget) {
  let slowest = 0;
  let slowestInput: T | undefined;
  return {
    record(value: T, started: number): void {
      const took = performance.now() - started;
      if (took > slowest) {
        slowest = took;
        slowestInput = value;
      }
    },
    verdict(): { runs: number; slowestMs: number } {
      const limit = budget.maxMs ?? 1000;
      assert.ok(slowest < limit, `one input took ${slowest.toFixed(0)} ms (limit ${limit}): ${fc.stringify(slowestInput).slice(0, 300)}`);
      return { runs: budget.runs, slowestMs: slowest };
    },
  };
}

/** Checks a synchronous property; returns how many inputs ran and the slowest one's time. */
export function holds<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, budget: Budget): { runs: number; slowestMs: number } {
  const watch = stopwatch<T>(budget);
  fc.assert(
    fc.property(arbitrary, (value) => {
      const started = performance.now();
      predicate(value);
      watch.record(value, started);
    }),
    { numRuns: budget.runs, seed: budget.seed ?? SEED, endOnFailure: true },
  );
  return watch.verdict();
}

/** The same for an asynchronous property. */
export async function holdsAsync<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, budget: Budget): Promise<{ runs: number; slowestMs: number }> {
  const watch = stopwatch<T>(budget);
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const started = performance.now();
      await predicate(value);
      watch.record(value, started);
    }),
    { numRuns: budget.runs, seed: budget.seed ?? SEED, endOnFailure: true },
  );
  return watch.verdict();
}

/** JSON values of every kind, nested a few levels, with awkward strings (controls, escapes, emoji). */
export const jsonValue = (): fc.Arbitrary<unknown> => fc.jsonValue({ maxDepth: 4 });

/** Text that is almost JSON: fragments of JSON syntax, comments, strings, numbers and noise. */
export const jsonishText = (): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '//', '/*', '*/', '\n', ' ', 'true', 'null', '1e999', '-0', '"eyJ', '.', '\ufeff', '\u2028'),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 4 }),
        fc.json({ maxDepth: 2 }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));

/** base64url text of bytes or of a string. */
export const b64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');

/** True when a text is one line with no control character (what a finding message must be). */
export function isPrintableLine(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  return !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text);
}
