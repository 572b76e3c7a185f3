// Runs inside VS Code's extension host (code-server's, through test/vscode/run.ts), with the
// workspace folder test/fixtures/workspace open.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'agbac.agbac-toolkit';

describe('the extension', () => {
  it('is loaded from the development path and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among the loaded extensions`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('loads neither the Okta SDK chunk nor the X.509 chunk at activation (they load on first use)', () => {
    const loaded = Object.keys(require.cache).filter((path) => /[\\/](okta-sdk|x509)\.js$|@okta[\\/]okta-sdk-nodejs|@peculiar[\\/]x509/.test(path));
    assert.deepEqual(loaded, []);
  });
});

describe('the fixture workspace', () => {
  it('opens README.txt with its text', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'README.txt'));
    await vscode.window.showTextDocument(document);
    assert.equal(
      document.getText(),
      'AGBAC Toolkit integration fixture.\nThe VS Code suite opens this file and checks its text.\n',
    );
  });
});
