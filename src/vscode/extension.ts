/** The VS Code extension's entry point. Activation does nothing costly: features load on demand. */
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Editor features arrive with the editor issue; the core and CLI stand on their own.
}

export function deactivate(): void {}
