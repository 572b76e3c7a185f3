// Stages the README's picture inside the extension host: a payload file with its diagnostics,
// the Problems panel, and the hover on the assertion's aud. Then it tells the bridge (a log line)
// and waits, with the extension alive, until the bridge has taken the picture
// (test/vscode/screenshot.ts; test/vscode/bridge/bridge.mjs, AGBAC_VSCODE_PICTURE).
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';

/** Resolves on the next diagnostics change or after `ms`, whichever comes first. */
function nextChange(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const subscription = vscode.languages.onDidChangeDiagnostics(() => finish());
    const timer = setTimeout(() => finish(), ms);
    function finish() {
      subscription.dispose();
      clearTimeout(timer);
      resolve();
    }
  });
}

export async function run(): Promise<void> {
  const picture = process.env.AGBAC_VSCODE_PICTURE;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!picture || !folder) throw new Error('AGBAC_VSCODE_PICTURE and a workspace folder are needed');
  await vscode.extensions.getExtension('agbac.agbac-toolkit')?.activate();
  const uri = vscode.Uri.joinPath(folder.uri, 'payloads', 'guide.assertion.json');
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  for (const deadline = Date.now() + 15_000; !vscode.languages.getDiagnostics(uri).some((diagnostic) => diagnostic.source === 'agbac'); ) {
    if (Date.now() > deadline) throw new Error('no AGBAC diagnostics appeared');
    await nextChange(200);
  }
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await vscode.window.showTextDocument(editor.document, { preview: false });
  const position = editor.document.positionAt(editor.document.getText().indexOf('https://dev-123456') + 8);
  editor.selection = new vscode.Selection(position, position);
  await vscode.commands.executeCommand('editor.action.showHover');
  console.log('agbac-picture: ready');
  for (const deadline = Date.now() + 60_000; !existsSync(picture); ) {
    if (existsSync(`${picture}.failed`)) throw new Error(`the picture failed: ${readFileSync(`${picture}.failed`, 'utf8')}`);
    if (Date.now() > deadline) throw new Error('the bridge took no picture within 60 s');
    await nextChange(200);
  }
}
