/**
 * Linting speed against VS Code's own JSON validation: `vscode-json-languageservice` parsing the
 * document and running `doValidation` with the project's payload schema, which is what the editor
 * does on every change of a payload file. The lint must be no slower for one payload and at most
 * 0.6× for a 1 MB file of 2,000 payloads, and stay linear in the file's size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLanguageService } from 'vscode-json-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintOptions } from '../src/core';
import { pairedMedianMsAsync, type Row, shippedCore } from './lib';

const NOW = 1767348000;
const OPTIONS: LintOptions = {
  now: NOW,
  assertion: { clientId: '0oa123abc456xyz', tokenEndpoint: 'https://dev-123456.okta.com/oauth2/aus123abc456/v1/token' },
};

/** One payload; every fourth has no mistake, the others one each (human in sub, issuer as aud, a two-hour lifetime). */
function assertion(index: number, namePad = ''): Record<string, unknown> {
  const mistake = index % 4;
  return {
    iss: '0oa123abc456xyz',
    sub: mistake === 1 ? '00u8f2k4m6n8p0r2t4v' : '0oa123abc456xyz',
    aud: mistake === 2 ? 'https://dev-123456.okta.com/oauth2/aus123abc456' : 'https://dev-123456.okta.com/oauth2/aus123abc456/v1/token',
    iat: NOW,
    exp: NOW + (mistake === 3 ? 7200 : 300),
    jti: `2c5e8a14-7b3f-4d9e-a6c1-${String(index).padStart(12, '0')}`,
    act: { sub: '00u8f2k4m6n8p0r2t4v', email: `person${index}@corp.example.com`, name: `Person Number ${index}${namePad}` },
    delegation: { granted_at: '2026-01-02T09:58:00Z', method: 'explicit', intent_summary: 'Prepare the quarterly finance report for the person' },
    agbac_ver: '1.0',
  };
}

/** A file of `count` payloads padded to about `bytes`. */
export function payloadFile(count: number, bytes: number): string {
  const plain = JSON.stringify(Array.from({ length: count }, (_, index) => assertion(index)), null, 2);
  const pad = 'x'.repeat(Math.max(0, Math.ceil((bytes - plain.length) / count)));
  return JSON.stringify(Array.from({ length: count }, (_, index) => assertion(index, pad)), null, 2);
}

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'media', 'schemas', 'payload.schema.json'), 'utf8')) as object;
const service = getLanguageService({});
service.configure({ validate: true, allowComments: false, schemas: [{ uri: 'agbac://payload.schema.json', fileMatch: ['*.assertion.json'], schema }] });

/** What VS Code's JSON support does with a changed payload file: parse it, then validate it against the schema. */
async function vscodeValidation(text: string): Promise<number> {
  const document = TextDocument.create('file:///bench/payloads.assertion.json', 'json', 1, text);
  return (await service.doValidation(document, service.parseJSONDocument(document))).length;
}

export async function lintBench(): Promise<Row[]> {
  const { lintDocument } = shippedCore();
  const rows: Row[] = [];
  const one = JSON.stringify(assertion(2), null, 2);
  // Each figure is timed in alternation with its baseline, so the machine's drift falls on both.
  const [oneLint, oneBaseline] = await pairedMedianMsAsync(async () => lintDocument(one, OPTIONS), () => vscodeValidation(one), undefined, 100);
  rows.push({
    measure: 'lint, one typical payload',
    value: oneLint * 1000,
    unit: 'µs',
    baseline: { name: 'vscode-json-languageservice', value: oneBaseline * 1000 },
    kind: 'time',
    goal: '≤ 1.0×, < 1 ms',
    met: oneLint <= oneBaseline && oneLint < 1,
  });

  const mibFile = payloadFile(2000, 1024 * 1024);
  const lintMiB = async () => lintDocument(mibFile, OPTIONS);
  const [lint, baseline] = await pairedMedianMsAsync(lintMiB, () => vscodeValidation(mibFile), undefined, 1);
  rows.push({
    measure: 'lint, 1 MiB / 2,000 payloads',
    note: `${lintDocument(mibFile, OPTIONS).findings.length.toLocaleString('en')} findings`,
    value: lint,
    unit: 'ms',
    baseline: { name: 'vscode-json-languageservice', value: baseline },
    kind: 'time',
    goal: '≤ 0.6×, < 50 ms',
    met: lint <= 0.6 * baseline && lint < 50,
  });
  for (const mib of [2, 4]) {
    const text = payloadFile(2000 * mib, mib * 1024 * 1024);
    const [large, small] = await pairedMedianMsAsync(async () => lintDocument(text, OPTIONS), lintMiB, undefined, 1);
    rows.push({
      measure: `lint, ${mib} MiB / ${(2000 * mib).toLocaleString('en')} payloads`,
      note: `${lintDocument(text, OPTIONS).findings.length.toLocaleString('en')} findings`,
      value: large,
      unit: 'ms',
      baseline: { name: '1 MiB lint × size', value: small * mib },
      kind: 'time',
      goal: 'linear: ≤ 1.2×',
      met: large <= 1.2 * small * mib,
    });
  }
  return rows;
}
