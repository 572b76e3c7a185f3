/**
 * Linting speed. Not a test: prints figures and ratios, never fails.
 *   npm run bench
 * Goals from the core issue: one typical assertion < 1 ms; a 1 MB file of 2,000 payloads < 50 ms.
 * Baselines measured in the same run: JSON.parse of the same text (the least any JSON tool does)
 * and jsonc-parser's parseTree (what locating findings needs before any rule runs).
 */
import { parseTree } from 'jsonc-parser';
import { lintDocument } from '../src/core';

const NOW = 1767348000;
const options = { now: NOW, assertion: { clientId: '0oa123abc456xyz', tokenEndpoint: 'https://dev-123456.okta.com/oauth2/aus123abc456/v1/token' } };

function assertion(index: number): Record<string, unknown> {
  const mistakes = index % 4;
  return {
    iss: '0oa123abc456xyz',
    sub: mistakes === 1 ? '00u8f2k4m6n8p0r2t4v' : '0oa123abc456xyz',
    aud: mistakes === 2 ? 'https://dev-123456.okta.com/oauth2/aus123abc456' : 'https://dev-123456.okta.com/oauth2/aus123abc456/v1/token',
    iat: NOW,
    exp: NOW + (mistakes === 3 ? 7200 : 300),
    jti: `2c5e8a14-7b3f-4d9e-a6c1-${String(index).padStart(12, '0')}`,
    act: { sub: '00u8f2k4m6n8p0r2t4v', email: `person${index}@corp.example.com`, name: `Person Number ${index}` },
    delegation: { granted_at: '2026-01-02T09:58:00Z', method: 'explicit', intent_summary: 'Prepare the quarterly finance report for the person' },
    agbac_ver: '1.0',
  };
}

/** Median time of `fn` in milliseconds over enough runs to take about `budgetMs`. */
function measure(fn: () => unknown, budgetMs = 1500): number {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (performance.now() < deadline || samples.length < 20) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

function report(name: string, text: string, goalMs: number): void {
  const lint = measure(() => lintDocument(text, options));
  const parse = measure(() => JSON.parse(text));
  const tree = measure(() => parseTree(text));
  const findings = lintDocument(text, options).findings.length;
  const kb = (text.length / 1024).toFixed(1);
  console.log(`\n${name} (${kb} KiB, ${findings} findings)`);
  console.log(`  lintDocument          ${lint.toFixed(3)} ms  (goal < ${goalMs} ms: ${lint < goalMs ? 'met' : 'NOT met'})`);
  console.log(`  JSON.parse baseline   ${parse.toFixed(3)} ms  → lint is ${(lint / parse).toFixed(1)}× JSON.parse`);
  console.log(`  parseTree baseline    ${tree.toFixed(3)} ms  → lint is ${(lint / tree).toFixed(1)}× parseTree`);
}

const one = JSON.stringify(assertion(2), null, 2);
report('one typical assertion', one, 1);

const payloads: Record<string, unknown>[] = [];
for (let index = 0; index < 2000; index++) payloads.push(assertion(index));
let big = JSON.stringify(payloads, null, 2);
// Pad the names until the file is 1 MB, keeping 2,000 payloads.
const pad = Math.max(0, Math.ceil((1024 * 1024 - big.length) / 2000));
big = JSON.stringify(payloads.map((payload) => ({ ...payload, act: { ...(payload.act as object), name: `Person ${'x'.repeat(pad)}` } })), null, 2);
report('2,000 payloads in one file', big, 50);
