/**
 * The smoke test of the installed .vsix (test/vscode/vsix.ts installs it into code-server with
 * --install-extension and runs this suite): the copy under the extensions folder activates without
 * loading its chunks, lints a payload file, starts its sandbox, looks a user up in it through the
 * Okta SDK bundled in its own chunk, and gets Alice a token that verifies.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_IDS } from '../../../src/sandbox';
import { agbacDiagnostics, codeOf, workspaceUri } from '../../integration/helpers';

const EXTENSION_ID = 'agbac.agbac-toolkit';

/** The modules loaded from the installed extension's folder. */
function loadedFrom(folder: string): string[] {
  return Object.keys(require.cache).filter((path) => path.startsWith(folder + sep)).map((path) => path.slice(folder.length + 1));
}

describe('the installed .vsix', () => {
  let extension: vscode.Extension<unknown>;
  const config = () => vscode.workspace.getConfiguration('agbac');

  before(() => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not installed`);
    extension = found;
  });
  after(async () => {
    await vscode.commands.executeCommand('agbac.removeConnection', { connection: 'Sandbox', confirmed: true });
  });

  it('is the installed copy: under the extensions folder, without sources, tests or node_modules', () => {
    assert.match(extension.extensionPath, /[\\/]agbac\.agbac-toolkit-\d+\.\d+\.\d+$/);
    for (const absent of ['src', 'test', 'node_modules', 'bench', 'tsconfig.json', join('dist', 'cli.js'), join('dist', 'extension.js.map')]) {
      assert.equal(existsSync(join(extension.extensionPath, absent)), false, `${absent} is in the package`);
    }
    for (const present of [join('dist', 'extension.js'), join('dist', 'core.js'), join('dist', 'oauth.js'), join('dist', 'okta.js'), join('dist', 'sandbox.js'), join('dist', 'policy-text.js'), join('dist', 'okta-sdk.js'), join('dist', 'x509.js'), join('dist', 'webview', 'inspector.js'), join('media', 'agbac.svg')]) {
      assert.equal(existsSync(join(extension.extensionPath, present)), true, `${present} is missing`);
    }
  });

  it('activates with the editor and the core only: no jose, no OAuth client, Okta management, sandbox, SDK or X.509 chunk', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
    // jsonc-parser loads when activation lints a document the window already has open; jose only with a token.
    const loaded = loadedFrom(extension.extensionPath).filter((file) => file !== join('dist', 'jsonc.js')).sort();
    assert.deepEqual(loaded, ['core.js', 'extension.js'].map((file) => join('dist', file)));
  });

  it('lints a payload file (jsonc-parser loads with the first lint)', async () => {
    const uri = workspaceUri('payloads', 'guide.assertion.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const codes = (await agbacDiagnostics(uri)).map(codeOf);
    assert.ok(codes.includes('AGBAC010'), codes.join(', '));
    assert.ok(codes.includes('AGBAC031'), codes.join(', '));
    assert.ok(loadedFrom(extension.extensionPath).includes(join('dist', 'jsonc.js')));
  });

  it('starts the local sandbox, and looks a user up in it through the SDK chunk (no X.509 chunk for HTTP)', async () => {
    const info = await vscode.commands.executeCommand<{ orgUrl: string }>('agbac.startSandbox');
    assert.match(info?.orgUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(config().get('activeConnection'), 'Sandbox');
    assert.equal(await vscode.commands.executeCommand('agbac.lookUpUserId', DEFAULT_IDS.aliceLogin), DEFAULT_IDS.alice);
    const loaded = loadedFrom(extension.extensionPath);
    assert.ok(loaded.includes(join('dist', 'okta-sdk.js')), loaded.join(', '));
    assert.ok(!loaded.includes(join('dist', 'x509.js')), loaded.join(', '));
  });

  it('requests a token for Alice and verifies it: ALLOW', async () => {
    const result = await vscode.commands.executeCommand<{ kind: string; decision: string }>('agbac.requestToken', { human: DEFAULT_IDS.alice });
    assert.deepEqual([result?.kind, result?.decision], ['token', 'ALLOW']);
  });
});
