/** The generated rule reference cannot drift from the catalogue. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../src/core';
import { readmeWithRules, ROOT, rulesReference } from '../../scripts/rules-doc';

describe('the rule reference', () => {
  it('README.md lists every rule exactly as the catalogue says (run `npm run docs`)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.equal(readme, readmeWithRules(readme));
    for (const rule of RULES) assert.ok(readme.includes(`| ${rule.name} |`), rule.code);
  });

  it('docs/rules.md is the generated reference (run `npm run docs`)', () => {
    assert.equal(readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8'), rulesReference());
  });

  it('the README opens with exactly the two commands: try it, and all tests', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /^# [^\n]+\n\n```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
    assert.ok(block, 'a sh block right under the title');
    const commands = block.split('\n').map((line) => line.replace(/\s+#.*$/, ''));
    assert.deepEqual(commands, ['npm ci && npm run demo', 'npm ci && npm test']);
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm test$/m, '.ci/run calls the README\'s test command');
  });
});

describe('the payload JSON schema', () => {
  it('is the one generated from the claim documentation (run `npm run docs`)', async () => {
    const { SCHEMA_PATH, schemaText } = await import('../../scripts/payload-schema');
    assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), schemaText());
  });
});
