/** Waiting on VS Code without sleeping: events, or polling a condition with a deadline. */
import * as vscode from 'vscode';

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Resolves when `check` returns a value other than undefined; checks on every diagnostics change and every 100 ms. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const subscription = vscode.languages.onDidChangeDiagnostics(() => {
        subscription.dispose();
        resolve();
      });
      setTimeout(() => {
        subscription.dispose();
        resolve();
      }, 100);
    });
  }
}

/** The agbac diagnostics of a document, once `ready` accepts them. */
export function agbacDiagnostics(uri: vscode.Uri, ready: (diagnostics: vscode.Diagnostic[]) => boolean = (found) => found.length > 0): Promise<vscode.Diagnostic[]> {
  return waitFor(() => {
    const found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'agbac');
    return ready(found) ? found : undefined;
  }, `agbac diagnostics on ${uri.path}`);
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  return typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The position of the first occurrence of `text` in the document (plus `offset` characters). */
export function positionOf(document: vscode.TextDocument, text: string, offset = 0): vscode.Position {
  const index = document.getText().indexOf(text);
  if (index < 0) throw new Error(`"${text}" is not in ${document.uri.path}`);
  return document.positionAt(index + offset);
}

/** The text of every hover at a position, joined. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : 'value' in content ? content.value : ''))
    .join('\n---\n');
}

/** Closes every editor, discarding changes to untitled documents (no "save?" dialog). */
export async function closeAll(): Promise<void> {
  for (let guard = 0; guard < 50 && vscode.window.tabGroups.all.some((group) => group.tabs.length > 0); guard++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
