/** Quick fixes applied in a real editor, and completion from the payload schema. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { agbacDiagnostics, closeAll, codeOf } from './helpers';

async function untitledPayload(payload: object, language = 'json'): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language, content: `${JSON.stringify(payload, null, 2)}\n` });
  await vscode.window.showTextDocument(document);
  return document;
}

const base = {
  iss: '0oa123abc456xyz',
  sub: '0oa123abc456xyz',
  aud: 'https://dev-123456.okta.com/oauth2/aus123abc456/v1/token',
  iat: 1767348000,
  exp: 1767348300,
  jti: '2c5e8a14-7b3f-4d9e-a6c1-0f8b2d4e6a93',
  act: { sub: '00u8f2k4m6n8p0r2t4v', email: 'alice@corp.example.com' },
};

/** Applies the quick fix of the first diagnostic with `code`, then waits until that code is gone. */
async function applyFix(document: vscode.TextDocument, code: string, title: RegExp): Promise<string> {
  const diagnostics = await agbacDiagnostics(document.uri, (found) => found.some((diagnostic) => codeOf(diagnostic) === code));
  const diagnostic = diagnostics.find((candidate) => codeOf(candidate) === code);
  assert.ok(diagnostic);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 5);
  const action = actions.find((candidate) => title.test(candidate.title));
  assert.ok(action?.edit, `a fix titled ${String(title)} among ${actions.map((candidate) => candidate.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(action.edit));
  await agbacDiagnostics(document.uri, (found) => !found.some((candidate) => codeOf(candidate) === code));
  return document.getText();
}

describe('quick fixes', () => {
  afterEach(closeAll);

  const cases: [string, object, RegExp, (text: string) => void][] = [
    ['AGBAC010', { ...base, aud: 'https://dev-123456.okta.com/oauth2/aus123abc456' }, /^Set aud to the token endpoint/, (text) => assert.match(text, /"aud": "https:\/\/dev-123456\.okta\.com\/oauth2\/aus123abc456\/v1\/token"/)],
    ['AGBAC018', { ...base, exp: 1767348000 + 7200 }, /^Set exp to iat \+ 300/, (text) => assert.match(text, /"exp": 1767348300/)],
    ['AGBAC020', { ...base, iat: 1700000000, exp: 1700000300 }, /^Refresh iat and exp/, (text) => assert.doesNotMatch(text, /1700000000/)],
    ['AGBAC027', { ...base, jti: 'assertion-1767348000' }, /^Generate a random jti/, (text) => assert.match(text, /"jti": "[0-9a-f-]{36}"/)],
    ['AGBAC028', { ...base, act: undefined }, /^Add an act object/, (text) => assert.match(text, /"act": \{/)],
    ['AGBAC006', { ...base, sub: 'alice@corp.example.com' }, /^Set iss and sub to 0oa123abc456xyz/, (text) => assert.equal((JSON.parse(text) as { sub: string }).sub, '0oa123abc456xyz')],
    ['AGBAC031', { ...base, act: { sub: 'alice@corp.example.com' } }, /^Replace act\.sub with a user id placeholder/, (text) => assert.deepEqual((JSON.parse(text) as { act: unknown }).act, { sub: '00u_REPLACE_WITH_OKTA_USER_ID', email: 'alice@corp.example.com' })],
  ];
  for (const [code, payload, title, check] of cases) {
    it(`${code}: the fix applies and the finding is gone`, async () => {
      check(await applyFix(await untitledPayload(payload), code, title));
    });
  }

  it('adds the AGBAC 1.0 claims under the agbac-1.0 profile', async () => {
    const config = vscode.workspace.getConfiguration('agbac');
    await config.update('profile', 'agbac-1.0', vscode.ConfigurationTarget.Workspace);
    try {
      const document = await untitledPayload(base);
      const text = await applyFix(document, 'AGBAC040', /^Add the AGBAC 1\.0 delegation object/);
      const payload = JSON.parse(text) as { delegation: { method: string }; agbac_ver: string };
      assert.equal(payload.delegation.method, 'explicit');
      assert.equal(payload.agbac_ver, '1.0');
    } finally {
      await config.update('profile', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

describe('completion', () => {
  afterEach(closeAll);

  it('offers the claims in *.assertion.json', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder, 'payloads', 'completion.assertion.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{\n  \n}\n'));
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      const position = new vscode.Position(1, 2);
      const labels = await waitForLabels(uri, position, ['act', 'aud', 'jti']);
      for (const claim of ['iss', 'exp', 'delegation', 'agbac_ver']) assert.ok(labels.includes(claim), `${claim} in ${labels.join(' ')}`);
    } finally {
      await closeAll();
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('offers the delegation methods as values', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder, 'payloads', 'method.assertion.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{ "delegation": { "method":  } }\n'));
    try {
      const opened = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(opened);
      const labels = await waitForLabels(uri, new vscode.Position(0, 29), ['"explicit"']);
      assert.ok(labels.includes('"implicit"') && labels.includes('"system"'), labels.join(' '));
    } finally {
      await closeAll();
      await vscode.workspace.fs.delete(uri);
    }
  });
});

/** Completion labels once the JSON language service has the schema (it loads asynchronously). */
async function waitForLabels(uri: vscode.Uri, position: vscode.Position, expected: string[]): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    if (expected.every((label) => labels.includes(label))) return labels;
    if (Date.now() > deadline) throw new Error(`completion never offered ${expected.join(', ')}: ${labels.join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
