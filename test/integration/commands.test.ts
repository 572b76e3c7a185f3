/**
 * The commands, against an Okta-compatible sandbox started in the extension host: signing with a
 * secret from SecretStorage, decoding, linting the workspace, new payloads, rule explanations,
 * and the act.sub quick fix that looks the user id up through the Management API.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { jwtVerify } from 'jose';
import { explainRule, ruleFor } from '../../src/core';
import { DEFAULT_IDS, type Sandbox, startSandbox } from '../../src/sandbox';
import { agbacDiagnostics, closeAll, codeOf, waitFor, workspaceUri } from './helpers';

const CONNECTION = 'sandbox';

describe('commands', () => {
  let sandbox: Sandbox;
  const config = () => vscode.workspace.getConfiguration('agbac');

  before(async () => {
    sandbox = await startSandbox();
    await config().update(
      'connections',
      [{ name: CONNECTION, orgUrl: sandbox.orgUrl, authServerId: sandbox.authServerId, clientId: sandbox.clientId, apiAudience: DEFAULT_IDS.audience, scopes: ['finance.read'] }],
      vscode.ConfigurationTarget.Workspace,
    );
    await config().update('activeConnection', CONNECTION, vscode.ConfigurationTarget.Workspace);
    assert.equal(await vscode.commands.executeCommand('agbac.setSecret', { connection: CONNECTION, kind: 'clientSecret', value: sandbox.clientSecret }), true);
    assert.equal(await vscode.commands.executeCommand('agbac.setSecret', { connection: CONNECTION, kind: 'apiToken', value: sandbox.apiToken }), true);
  });
  after(async () => {
    await config().update('connections', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('activeConnection', undefined, vscode.ConfigurationTarget.Workspace);
    await sandbox.close();
  });
  afterEach(closeAll);

  it('New Assertion Payload writes a template filled from the active connection, clean of errors', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('agbac.newAssertionPayload', workspaceUri('payloads'), 'new.assertion.json');
    try {
      assert.ok(uri);
      const payload = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as Record<string, unknown>;
      assert.equal(payload.iss, sandbox.clientId);
      assert.equal(payload.aud, sandbox.tokenEndpoint);
      assert.equal(Number(payload.exp) - Number(payload.iat), 300);
      const diagnostics = await agbacDiagnostics(uri, () => true);
      assert.deepEqual(diagnostics.filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error).map(codeOf), []);
    } finally {
      if (uri) await vscode.workspace.fs.delete(uri);
    }
  });

  it('Sign Assertion signs the open payload with the secret from SecretStorage (HS256) and opens the JWT', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('agbac.newAssertionPayload', workspaceUri('payloads'), 'to-sign.assertion.json');
    try {
      const token = await vscode.commands.executeCommand<string>('agbac.signAssertion', uri);
      assert.ok(token, 'a token came back');
      const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(sandbox.clientSecret), { algorithms: ['HS256'] });
      assert.equal(protectedHeader.alg, 'HS256');
      assert.equal(payload.iss, sandbox.clientId);
      const shown = vscode.window.activeTextEditor?.document.getText().trim();
      assert.equal(shown, token, 'the signed JWT is in the new editor');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('Decode Token opens the payload as JSON with diagnostics (a token without act)', async () => {
    const token = 'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.' + Buffer.from(JSON.stringify({ ver: 1, iss: sandbox.issuer, aud: DEFAULT_IDS.audience, iat: 1767348000, exp: 4102444800, cid: sandbox.clientId, scp: ['finance.read'], sub: sandbox.clientId })).toString('base64url') + '.c2ln';
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('agbac.decodeToken', token);
    assert.ok(document);
    assert.match(document.getText(), /^\/\/ Decoded JWT \(the signature is NOT verified\)\. Header: \{"kid":"k1","alg":"RS256"\}/);
    const codes = (await agbacDiagnostics(document.uri)).map(codeOf);
    assert.ok(codes.includes('AGBAC113'), codes.join(', '));
  });

  it('Decode Token takes the token from the selection, else from the clipboard', async () => {
    const notes = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceUri('payloads', 'notes.md')));
    const start = notes.document.getText().indexOf('eyJraWQi');
    const end = notes.document.getText().indexOf('c2lnbmF0dXJl') + 'c2lnbmF0dXJl'.length;
    notes.selection = new vscode.Selection(notes.document.positionAt(start), notes.document.positionAt(end));
    const fromSelection = await vscode.commands.executeCommand<vscode.TextDocument>('agbac.decodeToken');
    assert.match(fromSelection?.getText() ?? '', /"jti": "AT\.abc123xyz789"/);
    await closeAll();
    const token = notes.document.getText(notes.selection);
    await vscode.env.clipboard.writeText(`  ${token}\n`);
    const fromClipboard = await vscode.commands.executeCommand<vscode.TextDocument>('agbac.decodeToken');
    assert.match(fromClipboard?.getText() ?? '', /"cid": "0oa123abc456xyz"/);
  });

  it('Decode Token reports a broken token in one message, and does not throw', async () => {
    const result = await vscode.commands.executeCommand('agbac.decodeToken', 'eyJhbGciOiJIUzI1NiJ9.eyJ+.sig');
    assert.equal(result, undefined);
  });

  it('Lint Workspace puts every payload file in Problems, opened or not', async () => {
    const summary = await vscode.commands.executeCommand<{ files: number; errors: number }>('agbac.lintWorkspace');
    assert.ok(summary && summary.files >= 3 && summary.errors > 0, JSON.stringify(summary));
    const unopened = vscode.languages.getDiagnostics(workspaceUri('payloads', 'human-in-sub.assertion.json')).map(codeOf);
    assert.ok(unopened.includes('AGBAC007'), `sub is not the connection's client id: ${unopened.join(', ')}`);
  });

  it('Explain Rule opens the rule\'s explanation', async () => {
    await vscode.commands.executeCommand('agbac.explainRule', 'AGBAC010');
    const document = await waitFor(() => vscode.window.activeTextEditor?.document, 'the explanation editor');
    assert.equal(document.uri.toString(), 'agbac-rule:/AGBAC010.md');
    assert.match(document.getText(), /^## AGBAC010 aud-is-issuer$/m);
    assert.ok(document.getText().includes(explainRule(ruleFor('AGBAC010'), 'markdown')), 'the same rendering as agbac explain and docs/rules.md');
  });

  it('the act.sub quick fix looks the user id up in the org', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'json',
      content: JSON.stringify({ iss: sandbox.clientId, sub: sandbox.clientId, aud: sandbox.tokenEndpoint, iat: 1767348000, exp: 1767348300, jti: '2c5e8a14-7b3f-4d9e-a6c1-0f8b2d4e6a93', act: { sub: 'alice@corp.example.com' } }, null, 2),
    });
    await vscode.window.showTextDocument(document);
    const diagnostic = (await agbacDiagnostics(document.uri, (found) => found.some((candidate) => codeOf(candidate) === 'AGBAC031'))).find((candidate) => codeOf(candidate) === 'AGBAC031');
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 5);
    const lookup = actions.find((action) => /^Look up the Okta user id of alice@corp\.example\.com/.test(action.title));
    assert.ok(lookup?.edit, actions.map((action) => action.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(lookup.edit));
    assert.deepEqual((JSON.parse(document.getText()) as { act: unknown }).act, { sub: DEFAULT_IDS.alice, email: 'alice@corp.example.com' });
  });

  it('Look Up User ID returns the id of a login', async () => {
    assert.equal(await vscode.commands.executeCommand('agbac.lookUpUserId', 'bob@corp.example.com'), DEFAULT_IDS.bob);
  });
});

