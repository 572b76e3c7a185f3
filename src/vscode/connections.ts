/** Choosing a connection, its credential, and the human a token is for, with errors that say what to do. */
import * as vscode from 'vscode';
import { type Connection, type Human, looksLikeEmail, looksLikeUserId, messageOf, parsePrivateKeyText, type SigningCredential } from '../core';
import { type NextStep, UserFacingError } from './command';
import { humanLabel } from './model/tokens';
import { management, orgFor } from './management';
import type { ConnectionSecrets } from './secrets';
import { readSettings } from './settings';
import type { AgbacState } from './state';

export const START_SANDBOX: NextStep = { title: 'Start Local Sandbox', command: 'agbac.startSandbox' };
export const ADD_CONNECTION: NextStep = { title: 'Add Okta Connection', command: 'agbac.addConnection' };

/** The named connection, or the active one, or the one the user picks. */
export async function pickConnection(name: string | undefined, purpose: string): Promise<Connection> {
  const settings = readSettings();
  if (name) {
    const named = settings.connections.find((connection) => connection.name === name);
    if (!named) throw new UserFacingError(`no connection is named "${name}": pick one in the AGBAC view, or add it`, { next: [ADD_CONNECTION] });
    return named;
  }
  if (settings.connections.length === 0) {
    const problem = settings.connectionProblems[0];
    throw new UserFacingError(
      `no Okta connection yet${problem ? ` (${problem})` : ''}: start the local sandbox for a ready one, or add your org`,
      { next: [START_SANDBOX, ADD_CONNECTION] },
    );
  }
  if (settings.activeConnection) return settings.activeConnection;
  const picked = await vscode.window.showQuickPick(
    settings.connections.map((connection) => ({ label: connection.name, description: connection.orgUrl, connection })),
    { title: `Okta connection ${purpose}`, placeHolder: 'No connection is active: pick one' },
  );
  if (!picked) throw new UserFacingError('no connection was chosen: pick one, or set one active in the AGBAC view');
  return picked.connection;
}

/** Refuses to use the sandbox's connection while the sandbox is stopped (its URL would be dead). */
export function requireLiveSandbox(connection: Connection, state: AgbacState): void {
  if (state.sandbox?.connection === connection.name && !state.sandbox.running) {
    throw new UserFacingError(`the local sandbox behind "${connection.name}" is stopped: start it again (it gets a new port and new secrets)`, { next: [START_SANDBOX] });
  }
}

/** The agent's signing credential from SecretStorage, or an error with the button that stores it. */
export async function signingCredential(connection: Connection, secrets: ConnectionSecrets): Promise<SigningCredential> {
  if (connection.authMethod === 'private_key_jwt') {
    const text = await secrets.get(connection, 'privateKey');
    if (!text) {
      throw new UserFacingError(`no private key is stored for "${connection.name}" (private_key_jwt): generate a key pair, or store the key you have`, {
        next: [
          { title: 'Generate Key Pair', command: 'agbac.generateKeyPair', args: [{ connection: connection.name }] },
          { title: 'Set Private Key', command: 'agbac.setSecret', args: [{ connection: connection.name, kind: 'privateKey' }] },
        ],
      });
    }
    try {
      return { kind: 'private-key', key: parsePrivateKeyText(text, `the private key stored for "${connection.name}"`), ...(connection.kid ? { kid: connection.kid } : {}) };
    } catch (error) {
      throw new UserFacingError(`${messageOf(error)}: store a PKCS#8 PEM or a private JWK instead`, {
        next: [{ title: 'Set Private Key', command: 'agbac.setSecret', args: [{ connection: connection.name, kind: 'privateKey' }] }],
      });
    }
  }
  const secret = await secrets.get(connection, 'clientSecret');
  if (!secret) {
    throw new UserFacingError(`no client secret is stored for "${connection.name}" (client_secret_jwt): store the agent app's secret (Okta: the app → Client Credentials)`, {
      next: [{ title: 'Set Client Secret', command: 'agbac.setSecret', args: [{ connection: connection.name, kind: 'clientSecret' }] }],
    });
  }
  return { kind: 'secret', secret };
}

/** A saved human matching an id, login or email. */
export function savedHuman(connection: Connection, query: string): Human | undefined {
  const wanted = query.trim().toLowerCase();
  return connection.humans.find((human) => human.id.toLowerCase() === wanted || human.email?.toLowerCase() === wanted || human.name?.toLowerCase() === wanted);
}

/** Looks a login or email up in the org; the first match as a Human, or a clear error. */
export async function lookUpHuman(connection: Connection, secrets: ConnectionSecrets, query: string): Promise<Human> {
  const org = await orgFor(connection, secrets, 'Looking a user up');
  const users = await (await management()).findUsers(org, query);
  const [user] = users;
  if (!user) throw new UserFacingError(`no user in ${connection.orgUrl} has the login or email ${query}: check the spelling, or look in the Okta admin console (Directory → People)`);
  return { id: user.id, ...(user.email ?? user.login ? { email: user.email ?? user.login } : {}), ...(user.name ? { name: user.name } : {}) };
}

/**
 * The human a token is for: `requested` (a saved human's id, login or email, an Okta user id, or
 * an email to look up), else the user's pick. `null` means an agent-only token; undefined, cancelled.
 */
export async function pickHuman(connection: Connection, secrets: ConnectionSecrets, requested?: string): Promise<Human | null | undefined> {
  if (requested !== undefined) {
    const saved = savedHuman(connection, requested);
    if (saved) return saved;
    if (looksLikeUserId(requested)) return { id: requested };
    if (looksLikeEmail(requested)) return lookUpHuman(connection, secrets, requested);
    throw new UserFacingError(`"${requested}" is neither a saved human, an Okta user id (00u…) nor an email address to look up`);
  }
  type Item = vscode.QuickPickItem & { readonly choice: Human | 'look-up' | 'none' };
  const items: Item[] = [
    ...connection.humans.map((human) => ({ label: `$(person) ${humanLabel(human)}`, description: human.id, detail: human.email, choice: human })),
    { label: '', kind: vscode.QuickPickItemKind.Separator, choice: 'none' },
    { label: '$(search) Look up another user…', description: 'by login or email, in the org', choice: 'look-up' },
    { label: '$(circle-slash) No human', description: 'an agent-only token: AGBAC denies it', choice: 'none' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Request a token: the human the agent acts for (${connection.name})`, matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  if (picked.choice === 'none') return null;
  if (picked.choice !== 'look-up') return picked.choice;
  const query = await vscode.window.showInputBox({ title: `Look up a user in ${connection.orgUrl}`, prompt: 'Login or email address', ignoreFocusOut: true });
  if (!query) return undefined;
  return lookUpHuman(connection, secrets, query);
}
