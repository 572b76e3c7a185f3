/**
 * A large payload document in the real editor: one lint per version, shared by diagnostics,
 * hovers and code actions; and the time from an edit to the diagnostics VS Code shows, measured
 * and written to out/bench/diagnostics-on-edit.json for `npm run bench` (a figure, never judged).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AgbacApi } from '../../src/vscode/extension';
import { closeAll, waitFor } from './helpers';

const PAYLOADS = 2000;
const NOW = Math.floor(Date.now() / 1000);
const TOKEN_ENDPOINT = 'https://dev-123456.okta.com/oauth2/aus123abc456/v1/token';
const ISSUER = 'https://dev-123456.okta.com/oauth2/aus123abc456';

/** 2,000 payloads: every other one addressed to the issuer (AGBAC010), about 1 MB with the padding. */
function document(): string {
  const pad = 'x'.repeat(330);
  const payloads = Array.from({ length: PAYLOADS }, (_, index) => ({
    iss: '0oa123abc456xyz',
    sub: '0oa123abc456xyz',
    aud: index % 2 ? ISSUER : TOKEN_ENDPOINT,
    iat: NOW,
    exp: NOW + 300,
    jti: `2c5e8a14-7b3f-4d9e-a6c1-${String(index).padStart(12, '0')}`,
    act: { sub: '00u8f2k4m6n8p0r2t4v', email: `person${index}@corp.example.com`, name: `Person ${index} ${pad}` },
  }));
  return JSON.stringify(payloads, null, 2);
}

const agbacCount = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'agbac').length;

describe('a 2,000-payload document', function () {
  this.timeout(120_000);
  let api: AgbacApi;
  let editor: vscode.TextEditor;

  before(async () => {
    const extension = vscode.extensions.getExtension<AgbacApi>('agbac.agbac-toolkit');
    assert.ok(extension);
    api = await extension.activate();
    editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'json', content: document() }));
    await waitFor(() => (agbacCount(editor.document.uri) >= PAYLOADS / 2 ? true : undefined), 'the first diagnostics', 60_000);
  });
  after(() => closeAll());

  it('is linted once per version: hovers and code actions reuse the diagnostics\' result', async () => {
    const runs = api.lintRuns();
    const uri = editor.document.uri;
    const text = editor.document.getText();
    const aud = editor.document.positionAt(text.indexOf(`"aud": "${ISSUER}"`) + 3);
    await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, aud);
    const diagnostic = vscode.languages.getDiagnostics(uri).find((candidate) => candidate.source === 'agbac');
    assert.ok(diagnostic);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    assert.ok(actions.some((action) => /aud/.test(action.title)), actions.map((action) => action.title).join(', '));
    assert.equal(api.lintRuns(), runs, 'no lint for the hover or the code actions');
  });

  it('shows the diagnostics of an edit (time measured, not judged)', async () => {
    const uri = editor.document.uri;
    const times: number[] = [];
    for (let round = 0; round < 6; round++) {
      const before = agbacCount(uri);
      const text = editor.document.getText();
      // Alternately repair one issuer audience and break it again: one finding less, one more.
      const from = round % 2 === 0 ? `"aud": "${ISSUER}"` : `"aud": "${TOKEN_ENDPOINT}"`;
      const to = round % 2 === 0 ? `"aud": "${TOKEN_ENDPOINT}"` : `"aud": "${ISSUER}"`;
      const offset = text.indexOf(from, text.length / 2);
      const range = new vscode.Range(editor.document.positionAt(offset), editor.document.positionAt(offset + from.length));
      const start = performance.now();
      assert.ok(await editor.edit((edit) => edit.replace(range, to)));
      const expected = round % 2 === 0 ? before - 1 : before + 1;
      await waitFor(() => (agbacCount(uri) === expected ? true : undefined), `${expected} diagnostics after edit ${round + 1}`, 30_000);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    console.log(`diagnostics-on-edit: median ${median.toFixed(0)} ms over ${times.length} edits of a ${(editor.document.getText().length / 1048576).toFixed(2)} MiB document (the 200 ms debounce included)`);
    const folder = join(__dirname, '..', 'bench');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'diagnostics-on-edit.json'), JSON.stringify({ medianMs: median, edits: times.length, bytes: editor.document.getText().length, debounceMs: 200, at: new Date().toISOString() }));
  });
});
