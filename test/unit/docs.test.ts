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

describe('the delegation policy JSON schema', () => {
  it('is the one generated from the policy reader (run `npm run docs`)', async () => {
    const { POLICY_SCHEMA_PATH, policySchemaText } = await import('../../scripts/policy-schema');
    assert.equal(readFileSync(POLICY_SCHEMA_PATH, 'utf8'), policySchemaText());
  });

  it('agrees with the reader: what one refuses the other refuses', async () => {
    const { getLanguageService } = await import('vscode-json-languageservice');
    const { TextDocument } = await import('vscode-languageserver-textdocument');
    const { readDelegationPolicy } = await import('../../src/core');
    const { policySchema } = await import('../../scripts/policy-schema');
    const service = getLanguageService({});
    service.configure({ validate: true, allowComments: false, schemas: [{ uri: 'agbac://delegation-policy.schema.json', fileMatch: ['*.agbac-policy.json'], schema: policySchema() }] });
    const schemaProblems = async (value: unknown) => {
      const document = TextDocument.create('file:///p/x.agbac-policy.json', 'json', 1, JSON.stringify(value));
      return (await service.doValidation(document, service.parseJSONDocument(document))).length;
    };
    const good = { version: 1, delegations: [{ agents: ['0oa123abc456xyz'], humans: { ids: ['00u123abc456xyz'], groups: ['FinanceUsers'] }, scopes: ['finance.read'] }], explicitScopes: ['finance.write'], maxDelegationAgeSeconds: 3600, mapping: 'auto' };
    assert.equal(await schemaProblems(good), 0);
    assert.ok(readDelegationPolicy(good).policy);
    const bad: unknown[] = [
      { ...good, version: 2 },
      { ...good, delegations: [] },
      { ...good, extra: true },
      { ...good, delegations: [{ agents: ['0oa123abc456xyz'], humans: { ids: ['alice@corp.example.com'] } }] },
      { ...good, delegations: [{ agents: [], humans: { groups: ['FinanceUsers'] } }] },
      { ...good, delegations: [{ agents: ['0oa123abc456xyz'], humans: {} }] },
      { ...good, delegations: [{ agents: ['0oa123abc456xyz'], humans: { groups: ['FinanceUsers'] }, scopes: ['two words'] }] },
      { ...good, maxDelegationAgeSeconds: 0 },
      { ...good, mapping: 'keycloak' },
      { version: 1 },
    ];
    for (const value of bad) {
      assert.ok((await schemaProblems(value)) > 0, `the schema refuses ${JSON.stringify(value)}`);
      assert.equal(readDelegationPolicy(value).policy, undefined, `the reader refuses ${JSON.stringify(value)}`);
    }
  });
});
