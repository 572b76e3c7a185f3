/** Diagnostics in a real VS Code: codes and ranges, live updates, related places, and no double reports with the schema. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { agbacDiagnostics, closeAll, codeOf, open, positionOf, waitFor, workspaceUri } from './helpers';

describe('diagnostics', () => {
  before(async () => {
    await vscode.extensions.getExtension('agbac.agbac-toolkit')?.activate();
  });
  afterEach(closeAll);

  it('reports the guide\'s payload problems with codes, ranges, source and rule links', async () => {
    const editor = await open(workspaceUri('payloads', 'guide.assertion.json'));
    const diagnostics = await agbacDiagnostics(editor.document.uri);
    const byCode = new Map(diagnostics.map((diagnostic) => [codeOf(diagnostic), diagnostic]));
    for (const code of ['AGBAC010', 'AGBAC020', 'AGBAC027', 'AGBAC031']) assert.ok(byCode.has(code), `${code} in ${[...byCode.keys()].join(', ')}`);

    const aud = byCode.get('AGBAC010');
    assert.ok(aud);
    assert.equal(editor.document.getText(aud.range), '"https://dev-123456.okta.com/oauth2/aus123abc456"');
    assert.equal(aud.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(aud.source, 'agbac');
    const target = typeof aud.code === 'object' ? aud.code.target : undefined;
    assert.equal(target?.toString(), 'agbac-rule:/AGBAC010.md');
    const explanation = await vscode.workspace.openTextDocument(target ?? vscode.Uri.parse('agbac-rule:/none'));
    assert.match(explanation.getText(), /must be the endpoint invoked for the request/);

    assert.equal(byCode.get('AGBAC020')?.severity, vscode.DiagnosticSeverity.Information, 'stale times are a note in a payload file');
    assert.equal(editor.document.getText(byCode.get('AGBAC031')?.range), '"alice@corp.example.com"');
  });

  it('points from sub to iss with related information', async () => {
    const editor = await open(workspaceUri('payloads', 'human-in-sub.assertion.json'));
    const [mismatch] = (await agbacDiagnostics(editor.document.uri)).filter((diagnostic) => codeOf(diagnostic) === 'AGBAC006');
    assert.ok(mismatch);
    assert.equal(editor.document.getText(mismatch.range), '"00u8f2k4m6n8p0r2t4v"');
    const related = mismatch.relatedInformation?.[0];
    assert.equal(related && editor.document.getText(related.location.range), '"0oa123abc456xyz"');
  });

  it('lints any JSON that looks like a payload (an array here), and leaves other JSON alone', async () => {
    const batch = await open(workspaceUri('payloads', 'batch.json'));
    const codes = (await agbacDiagnostics(batch.document.uri)).map(codeOf);
    assert.ok(codes.includes('AGBAC010') && codes.includes('AGBAC027'), codes.join(', '));
    const other = await open(workspaceUri('payloads', 'package-like.json'));
    await waitFor(() => (vscode.languages.getDiagnostics(batch.document.uri).length ? true : undefined), 'the first file');
    assert.deepEqual(vscode.languages.getDiagnostics(other.document.uri).filter((diagnostic) => diagnostic.source === 'agbac'), []);
  });

  it('updates live as the user types, and clears when the problem is fixed', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: '{\n  "iss": "0oa123abc456xyz",\n  "sub": "0oa123abc456xyz",\n  "act": { "sub": "00u8f2k4m6n8p0r2t4v" }\n}\n' });
    await vscode.window.showTextDocument(document);
    await agbacDiagnostics(document.uri, (found) => found.some((diagnostic) => codeOf(diagnostic) === 'AGBAC008'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, positionOf(document, '"act"'), '"aud": "https://dev-123456.okta.com/oauth2/aus123abc456/v1/token",\n  ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await agbacDiagnostics(document.uri, (found) => !found.some((diagnostic) => codeOf(diagnostic) === 'AGBAC008'));
    assert.ok(after.some((diagnostic) => codeOf(diagnostic) === 'AGBAC015'), 'exp is still missing');
  });

  it('leaves wrong JSON types to the schema in *.assertion.json: one report, not two', async () => {
    const editor = await open(workspaceUri('payloads', 'wrong-types.assertion.json'));
    const expRange = await waitFor(() => {
      const schemaError = vscode.languages.getDiagnostics(editor.document.uri).find((diagnostic) => diagnostic.source !== 'agbac' && editor.document.getText(diagnostic.range) === '"1767348300"');
      return schemaError?.range;
    }, 'the JSON schema\'s type error on exp');
    const ours = vscode.languages.getDiagnostics(editor.document.uri).filter((diagnostic) => diagnostic.source === 'agbac');
    assert.ok(!ours.some((diagnostic) => diagnostic.range.isEqual(expRange)), `agbac also reported: ${ours.map(codeOf).join(', ')}`);
  });

  it('removes a document\'s diagnostics when it is closed', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: '{ "iss": "0oa123abc456xyz", "aud": "x" }' });
    await vscode.window.showTextDocument(document);
    await agbacDiagnostics(document.uri);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor(() => (vscode.languages.getDiagnostics(document.uri).some((diagnostic) => diagnostic.source === 'agbac') ? undefined : true), 'diagnostics to be removed');
  });
});
