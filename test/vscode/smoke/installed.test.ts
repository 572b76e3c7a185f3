/**
 * The smoke test of the installed .vsix (test/vscode/vsix.ts installs it into code-server with
 * --install-extension and runs this suite): the copy under the extensions folder activates without
 * loading its chunks, lints a payload file, and looks a user up in a sandbox through the Okta SDK
 * bundled in its own chunk.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_IDS, type Sandbox, startSandbox } from '../../../src/sandbox';
import { agbacDiagnostics, codeOf, workspaceUri } from '../../integration/helpers';

const EXTENSION_ID = 'agbac.agbac-toolkit';

/** The modules loaded from the installed extension's folder. */
function loadedFrom(folder: string): string[] {
  return Object.keys(require.cache).filter((path) => path.startsWith(folder + sep)).map((path) => path.slice(folder.length + 1));
}

describe('the installed .vsix', () => {
  let extension: vscode.Extension<unknown>;
  let sandbox: Sandbox | undefined;
  const config = () => vscode.workspace.getConfiguration('agbac');

  before(() => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not installed`);
    extension = found;
  });
  after(async () => {
    await config().update('connections', undefined, vscode.ConfigurationTarget.Global);
    await config().update('activeConnection', undefined, vscode.ConfigurationTarget.Global);
    await sandbox?.close();
  });

  it('is the installed copy: under the extensions folder, without sources, tests or node_modules', () => {
    assert.match(extension.extensionPath, /[\\/]agbac\.agbac-toolkit-\d+\.\d+\.\d+$/);
    for (const absent of ['src', 'test', 'node_modules', 'bench', 'tsconfig.json', join('dist', 'cli.js'), join('dist', 'extension.js.map')]) {
      assert.equal(existsSync(join(extension.extensionPath, absent)), false, `${absent} is in the package`);
    }
    for (const present of [join('dist', 'extension.js'), join('dist', 'okta-sdk.js'), join('dist', 'x509.js'), join('dist', 'webview', 'inspector.js'), join('media', 'agbac.svg')]) {
      assert.equal(existsSync(join(extension.extensionPath, present)), true, `${present} is missing`);
    }
  });

  it('activates, loading neither the Okta SDK chunk nor the X.509 chunk', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
    assert.deepEqual(loadedFrom(extension.extensionPath), [join('dist', 'extension.js')]);
  });

  it('lints a payload file', async () => {
    const uri = workspaceUri('payloads', 'guide.assertion.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const codes = (await agbacDiagnostics(uri)).map(codeOf);
    assert.ok(codes.includes('AGBAC010'), codes.join(', '));
    assert.ok(codes.includes('AGBAC031'), codes.join(', '));
  });

  it('looks a user up in a sandbox through the SDK chunk', async () => {
    sandbox = await startSandbox();
    await config().update(
      'connections',
      [{ name: 'smoke', orgUrl: sandbox.orgUrl, authServerId: sandbox.authServerId, clientId: sandbox.clientId }],
      vscode.ConfigurationTarget.Global,
    );
    await config().update('activeConnection', 'smoke', vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('agbac.setSecret', { connection: 'smoke', kind: 'apiToken', value: sandbox.apiToken }), true);
    assert.equal(await vscode.commands.executeCommand('agbac.lookUpUserId', DEFAULT_IDS.aliceLogin), DEFAULT_IDS.alice);
    assert.ok(loadedFrom(extension.extensionPath).includes(join('dist', 'okta-sdk.js')), loadedFrom(extension.extensionPath).join(', '));
  });
});
