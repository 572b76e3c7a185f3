/**
 * The extension's entry point. Activation registers providers, views and commands, and reads the
 * settings: nothing from the network, and neither the Okta SDK, the sandbox nor the X.509 code
 * (they load with `import()` when a command needs them). It returns a small API: what the views
 * show, for tests and for other extensions; it never hands out a token or a secret.
 */
import * as vscode from 'vscode';
import { isLoopbackHost, parseUrl } from '../core';
import { lastShownError, registerCommand, type ShownError, UserFacingError } from './command';
import { type CommandServices, registerCommands } from './commands';
import { registerConnectionCommands } from './connection-commands';
import { pickConnection } from './connections';
import { PayloadCodeActions } from './code-actions';
import { PayloadDiagnostics } from './diagnostics';
import { PayloadHoverProvider } from './hovers';
import { PolicyDiagnostics } from './policy-diagnostics';
import { modelForToken } from './inspect';
import { TokenInspector } from './inspector';
import { lintRuns } from './lint';
import { log } from './log';
import { management } from './management';
import type { InspectorModel, InspectorState } from './model/inspector-protocol';
import { registerOktaCommands } from './okta-commands';
import { RULE_SCHEME, RuleDocumentProvider } from './rule-docs';
import { SANDBOX_CONNECTION, SandboxController } from './sandbox-controller';
import { ConnectionSecrets } from './secrets';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, OktaAuthenticationProvider } from './sign-in';
import { COMMAND, type Services } from './services';
import { affectsSettings, readSettings } from './settings';
import { AgbacState, type SandboxState } from './state';
import { AgbacStatusBar } from './status-bar';
import { registerTokenCommands } from './token-commands';
import { ConnectionsTree, refOf, type RowSnapshot } from './tree';

/** JSON and JSONC documents, wherever they come from (files, untitled, decoded tokens). */
const JSON_DOCUMENTS: vscode.DocumentSelector = [{ language: 'json' }, { language: 'jsonc' }];
/** Any text, for hovers on JWTs. */
const ALL_DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];

/** What the extension exposes to tests and other extensions: what its views show, never a token or secret. */
export interface AgbacApi {
  /** The Connections tree, every row expanded. */
  connectionRows(): Promise<RowSnapshot[]>;
  /** What the Token Inspector shows (built from the current token), if anything. */
  inspectorModel(): InspectorModel | undefined;
  /** What the inspector's page last stored as its state. */
  inspectorState(): InspectorState | undefined;
  /** The status bar item's text. */
  statusBarText(): string;
  /** The message (and buttons) of the last command that failed. */
  lastError(): ShownError | undefined;
  /** The embedded sandbox's state. */
  sandbox(): SandboxState | undefined;
  /** The sign-in URL waiting for a person to open it (a browser sign-in under way), if any: no secret is in it. */
  pendingSignIn(): string | undefined;
  /** How many times a whole document was linted (diagnostics, hovers and code actions share one result per version). */
  lintRuns(): number;
}

let sandboxController: SandboxController | undefined;

export function activate(context: vscode.ExtensionContext): AgbacApi {
  const state = new AgbacState();
  const secrets = new ConnectionSecrets(context.secrets);
  const sandbox = new SandboxController(state, secrets);
  sandboxController = sandbox;
  const tree = new ConnectionsTree(state, secrets);
  const inspector = new TokenInspector(context.extensionUri, state, modelForToken, async (message) => {
    if (message.type === 'explain') {
      await vscode.commands.executeCommand(COMMAND.explainRule, message.code);
      return;
    }
    const target = message.tokenId ? [{ tokenId: message.tokenId }] : [];
    const command = {
      verify: COMMAND.verifyToken,
      copy: COMMAND.copyToken,
      openJson: COMMAND.openTokenJson,
      exportAudit: COMMAND.exportAuditEvent,
      copyCurl: COMMAND.copyTokenRequestAsCurl,
      requestToken: COMMAND.requestToken,
      inspectToken: COMMAND.inspectToken,
      startSandbox: COMMAND.startSandbox,
    }[message.action];
    await vscode.commands.executeCommand(command, ...target);
  });
  const statusBar = new AgbacStatusBar(state);
  const diagnostics = new PayloadDiagnostics();
  const signIn = new OktaAuthenticationProvider(
    context.secrets,
    (name) => {
      const settings = readSettings();
      return name === undefined ? settings.activeConnection : settings.connections.find((connection) => connection.name === name);
    },
    (connection) => sandbox.userPassword(connection),
  );
  const services: Services = { context, state, secrets, diagnostics, sandbox, inspector, tree, signIn };

  const lookUpUser: CommandServices['lookUpUser'] = async (connection, emailOrLogin) => {
    const token = await secrets.get(connection, 'apiToken');
    if (!token) {
      throw new UserFacingError(`no Management API token is stored for "${connection.name}": store one (in Okta: Security → API → Tokens)`, {
        next: [{ title: 'Set API Token', command: COMMAND.setSecret, args: [{ connection: connection.name, kind: 'apiToken' }] }],
      });
    }
    const { connectOrg, findUsers } = await management();
    return findUsers(await connectOrg({ orgUrl: connection.orgUrl, credential: { kind: 'api-token', token } }), emailOrLogin);
  };

  context.subscriptions.push(
    state,
    sandbox,
    tree,
    inspector,
    statusBar,
    diagnostics,
    signIn,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, signIn, { supportsMultipleAccounts: true }),
    registerCommand(COMMAND.signIn, async (argument?: unknown) => {
      const connection = await pickConnection(refOf(argument).connection, 'to sign in at');
      const session = await signIn.sessionFor(connection, connection.scopes);
      return session.account.label;
    }),
    new PolicyDiagnostics(),
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
    ...registerConnectionCommands(services),
    ...registerTokenCommands(services),
    ...registerOktaCommands(services),
  );

  // A Sandbox connection left from an earlier session points at a sandbox that is not running.
  const leftover = readSettings().connections.find((connection) => connection.name === SANDBOX_CONNECTION);
  const host = leftover ? parseUrl(leftover.orgUrl)?.hostname : undefined;
  if (leftover && host && isLoopbackHost(host)) state.setSandbox({ connection: leftover.name, running: false, orgUrl: undefined });

  // Context keys for menus and the welcome view.
  const updateContext = async () => {
    const settings = readSettings();
    const set = (key: string, value: boolean) => vscode.commands.executeCommand('setContext', key, value);
    await Promise.all([
      set('agbac.hasConnections', settings.connections.length > 0),
      set('agbac.sandboxRunning', state.sandbox?.running === true),
      set('agbac.hasTokens', state.tokens.length > 0),
      set('agbac.inspectorHasToken', state.current !== undefined),
    ]);
  };
  const refreshContext = () => {
    updateContext().catch((error: unknown) => log.error('context', 'updating the context keys failed', error));
  };
  context.subscriptions.push(
    state.onDidChange(refreshContext),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSettings(event)) refreshContext();
    }),
  );
  refreshContext();

  const problems = readSettings().connectionProblems;
  if (problems.length) log.warn('settings', problems.join(' | '));

  return {
    connectionRows: () => tree.snapshot(),
    inspectorModel: () => inspector.model(),
    inspectorState: () => inspector.storedState,
    statusBarText: () => statusBar.text,
    lastError: () => lastShownError(),
    sandbox: () => state.sandbox,
    pendingSignIn: () => signIn.pendingSignIn,
    lintRuns,
  };
}

/** Stops the sandbox (its port and connections) before the extension host goes. */
export async function deactivate(): Promise<void> {
  await sandboxController?.stop();
  sandboxController = undefined;
}
