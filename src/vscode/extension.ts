/**
 * The extension's entry point. Activation only registers providers and commands: nothing is read
 * from disk or the network, and the Okta SDK loads only when a user id is looked up.
 */
import * as vscode from 'vscode';
import type { Connection } from '../core';
import { PayloadCodeActions } from './code-actions';
import { registerCommands, UserFacingError } from './commands';
import { PayloadDiagnostics } from './diagnostics';
import { PayloadHoverProvider } from './hovers';
import { log } from './log';
import { RULE_SCHEME, RuleDocumentProvider } from './rule-docs';
import { ConnectionSecrets } from './secrets';
import { readSettings } from './settings';

/** JSON and JSONC documents, wherever they come from (files, untitled, decoded tokens). */
const JSON_DOCUMENTS: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }];
/** Any text, for hovers on JWTs. */
const ALL_DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];

export function activate(context: vscode.ExtensionContext): void {
  const secrets = new ConnectionSecrets(context.secrets);
  const lookUpUser = async (connection: Connection, emailOrLogin: string) => {
    const token = await secrets.get(connection, 'apiToken');
    if (!token) throw new UserFacingError(`no Management API token is stored for "${connection.name}" (AGBAC: Set Secret or Key)`);
    const { connectOrg, findUsers } = await import('../okta/lookup');
    return findUsers(await connectOrg({ orgUrl: connection.orgUrl, credential: { kind: 'api-token', token } }), emailOrLogin);
  };
  const diagnostics = new PayloadDiagnostics();
  context.subscriptions.push(
    diagnostics,
    vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, new RuleDocumentProvider()),
    vscode.languages.registerHoverProvider(ALL_DOCUMENTS, new PayloadHoverProvider()),
    vscode.languages.registerCodeActionsProvider(
      JSON_DOCUMENTS,
      new PayloadCodeActions(async (email) => {
        const connection = readSettings().activeConnection;
        if (!connection) return undefined;
        return (await lookUpUser(connection, email))[0]?.id;
      }),
      { providedCodeActionKinds: PayloadCodeActions.kinds },
    ),
    ...registerCommands({ diagnostics, secrets, lookUpUser }),
  );
  const problems = readSettings().connectionProblems;
  if (problems.length) log.warn('settings', problems.join(' | '));
}

export function deactivate(): void {}
