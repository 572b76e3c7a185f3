/** What the commands share: the state, secrets, the sandbox, the views. */
import type * as vscode from 'vscode';
import type { PayloadDiagnostics } from './diagnostics';
import type { TokenInspector } from './inspector';
import type { SandboxController } from './sandbox-controller';
import type { OktaAuthenticationProvider } from './sign-in';
import type { ConnectionSecrets } from './secrets';
import type { AgbacState } from './state';
import type { ConnectionsTree } from './tree';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly state: AgbacState;
  readonly secrets: ConnectionSecrets;
  readonly diagnostics: PayloadDiagnostics;
  readonly sandbox: SandboxController;
  readonly inspector: TokenInspector;
  readonly tree: ConnectionsTree;
  /** People's sign-in (Okta (AGBAC) in the Accounts menu), for connections whose human comes from token exchange. */
  readonly signIn: OktaAuthenticationProvider;
}

/** The command ids, in one place. */
export const COMMAND = {
  startSandbox: 'agbac.startSandbox',
  stopSandbox: 'agbac.stopSandbox',
  addConnection: 'agbac.addConnection',
  editConnection: 'agbac.editConnection',
  renameConnection: 'agbac.renameConnection',
  removeConnection: 'agbac.removeConnection',
  setActiveConnection: 'agbac.setActiveConnection',
  requestToken: 'agbac.requestToken',
  inspectToken: 'agbac.inspectToken',
  verifyToken: 'agbac.verifyToken',
  copyToken: 'agbac.copyToken',
  copyTokenRequestAsCurl: 'agbac.copyTokenRequestAsCurl',
  exportAuditEvent: 'agbac.exportAuditEvent',
  openTokenJson: 'agbac.openTokenJson',
  clearTokens: 'agbac.clearTokens',
  runDoctor: 'agbac.runDoctor',
  provision: 'agbac.provision',
  provisionDryRun: 'agbac.provisionDryRun',
  generateKeyPair: 'agbac.generateKeyPair',
  addHuman: 'agbac.addHuman',
  removeHuman: 'agbac.removeHuman',
  setSecret: 'agbac.setSecret',
  removeSecret: 'agbac.removeSecret',
  refreshConnections: 'agbac.refreshConnections',
  showLog: 'agbac.showLog',
  openWalkthrough: 'agbac.openWalkthrough',
  openGuideStep: 'agbac.openGuideStep',
  decodeToken: 'agbac.decodeToken',
  explainRule: 'agbac.explainRule',
  signIn: 'agbac.signIn',
} as const;
