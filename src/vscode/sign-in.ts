/**
 * "Okta (AGBAC)" in VS Code's Accounts menu: a person signs in at a connection's authorization
 * server (authorization code with PKCE through a loopback redirect, src/oauth) so that the agent
 * can exchange their own access token (RFC 8693) instead of naming them itself. Sessions live in
 * SecretStorage only; the log names people by id, never a token. A session belongs to one
 * connection: its scopes carry the pseudo-scope `agbac.connection:<name>`.
 */
import * as vscode from 'vscode';
import { type Connection, connectionUrls, decodeJwt, isRecord, redactToken } from '../core';
import { UserFacingError } from './command';
import { Disposable } from './disposable';
import { log } from './log';
import { oauthClient } from './management';
import { COMMAND } from './services';
import { nowSeconds } from './state';

export const AUTH_PROVIDER_ID = 'agbac-okta';
export const AUTH_PROVIDER_LABEL = 'Okta (AGBAC)';
const STORAGE_KEY = 'agbac.signIn.sessions';
const CONNECTION_SCOPE = 'agbac.connection:';
/** What a sign-in asks for besides the connection's scopes. */
const SIGN_IN_SCOPES = ['openid', 'profile'];
/** Sessions kept at most (the newest). */
const MAX_SESSIONS = 20;

/** A session as stored: the VS Code session plus what is needed to know when it ends. */
interface StoredSession {
  readonly id: string;
  readonly accessToken: string;
  readonly account: { readonly id: string; readonly label: string };
  readonly scopes: readonly string[];
  readonly connection: string;
  readonly issuer: string;
  /** Seconds since the epoch (the access token's exp). */
  readonly expiresAt: number | undefined;
}

/** The scopes of a session for a connection: the connection's marker, openid and profile, and the OAuth scopes. */
export function sessionScopes(connection: Pick<Connection, 'name'>, scopes: readonly string[]): string[] {
  return [`${CONNECTION_SCOPE}${connection.name}`, ...new Set([...SIGN_IN_SCOPES, ...scopes])];
}

function isStoredSession(value: unknown): value is StoredSession {
  return isRecord(value) && typeof value.id === 'string' && typeof value.accessToken === 'string' && isRecord(value.account) &&
    typeof value.account.id === 'string' && typeof value.account.label === 'string' && Array.isArray(value.scopes) &&
    value.scopes.every((scope) => typeof scope === 'string') && typeof value.connection === 'string' && typeof value.issuer === 'string' &&
    (value.expiresAt === undefined || typeof value.expiresAt === 'number');
}

export class OktaAuthenticationProvider extends Disposable implements vscode.AuthenticationProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>());
  readonly onDidChangeSessions = this.changed.event;
  /** The URL a person should open to finish the sign-in under way (no secret in it); for the API. */
  private waiting: string | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    /** The connection a sign-in is for, by name (settings are read when asked). */
    private readonly connectionNamed: (name: string | undefined) => Connection | undefined,
    /** The development password of the embedded sandbox, when a sign-in goes there (offered to copy). */
    private readonly sandboxPassword: (connection: Connection) => string | undefined,
  ) {
    super();
  }

  /** The sign-in URL waiting for a person, if one is under way. */
  get pendingSignIn(): string | undefined {
    return this.waiting;
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const now = nowSeconds();
    return (await this.read())
      .filter((session) => session.expiresAt === undefined || session.expiresAt > now + 30)
      .filter((session) => !scopes || scopes.every((scope) => session.scopes.includes(scope)))
      .map(toSession);
  }

  /** Signs a person in at the connection the scopes name (else the active one). */
  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const named = scopes.find((scope) => scope.startsWith(CONNECTION_SCOPE))?.slice(CONNECTION_SCOPE.length);
    const connection = this.connectionNamed(named);
    if (!connection) throw new UserFacingError(named ? `there is no connection named "${named}"` : 'there is no active connection to sign in at', { next: [{ title: 'Add Connection', command: COMMAND.addConnection }] });
    const signInClientId = connection.signInClientId;
    if (!signInClientId) {
      throw new UserFacingError(`"${connection.name}" names no app people sign in with: set signInClientId in its settings (the sandbox prints it as Sign-in app)`, {
        next: [{ title: 'Open Settings', command: 'workbench.action.openSettingsJson' }],
      });
    }
    const oauthScopes = scopes.filter((scope) => !scope.startsWith(CONNECTION_SCOPE));
    const issuer = connectionUrls(connection).issuer;
    const { browserSignIn, discover } = await oauthClient();
    const metadata = await discover(issuer);
    if (!metadata.authorizationEndpoint) throw new UserFacingError(`${issuer} announces no authorization endpoint: people cannot sign in there with a browser`);
    const password = this.sandboxPassword(connection);
    const tokens = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AGBAC: sign in at ${connection.name} in the browser (the agent ${connection.clientId} will act for you)`, cancellable: true },
      (_progress, cancellation) => {
        const controller = new AbortController();
        cancellation.onCancellationRequested(() => controller.abort());
        return browserSignIn({
          authorizationEndpoint: metadata.authorizationEndpoint ?? '',
          tokenEndpoint: metadata.tokenEndpoint,
          clientId: signInClientId,
          scopes: oauthScopes.length ? oauthScopes : SIGN_IN_SCOPES,
          // The agent that will act: the AGBAC sandbox names it on its consent page and binds the token to it (may_act).
          extra: { agent: connection.clientId },
          ...(connection.signInRedirectUri ? { redirectUri: connection.signInRedirectUri } : {}),
          signal: controller.signal,
          open: async (url) => {
            this.waiting = url;
            if (password) {
              void vscode.window.showInformationMessage(`AGBAC: the sandbox's people sign in with its development password.`, 'Copy Sandbox Password').then(async (choice) => {
                if (choice) await vscode.env.clipboard.writeText(password);
              });
            }
            // Not awaited: the browser may ask first, and the sign-in waits for the redirect anyway.
            void vscode.env.openExternal(vscode.Uri.parse(url, true));
          },
        }).finally(() => {
          this.waiting = undefined;
        });
      },
    );
    const claims = decodeJwt(tokens.accessToken).payload;
    const identity = tokens.idToken ? decodeJwt(tokens.idToken).payload : {};
    const userId = typeof claims.uid === 'string' ? claims.uid : typeof identity.sub === 'string' ? identity.sub : 'unknown';
    const label = typeof identity.preferred_username === 'string' ? identity.preferred_username : typeof claims.sub === 'string' ? claims.sub : userId;
    const session: StoredSession = {
      id: crypto.randomUUID(),
      accessToken: tokens.accessToken,
      account: { id: userId, label },
      scopes: [...scopes],
      connection: connection.name,
      issuer,
      expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    };
    // One session per connection and person: a new sign-in replaces theirs.
    const kept = (await this.read()).filter((old) => !(old.connection === session.connection && old.account.id === session.account.id));
    await this.write([session, ...kept].slice(0, MAX_SESSIONS));
    log.info('sign-in', `${userId} signed in at ${connection.name} for ${oauthScopes.join(' ') || 'openid'}: ${redactToken(tokens.accessToken)}`);
    const created = toSession(session);
    this.changed.fire({ added: [created], removed: [], changed: [] });
    return created;
  }

  async removeSession(sessionId: string): Promise<void> {
    const sessions = await this.read();
    const removed = sessions.find((session) => session.id === sessionId);
    if (!removed) return;
    await this.write(sessions.filter((session) => session.id !== sessionId));
    log.info('sign-in', `${removed.account.id} signed out of ${removed.connection}`);
    this.changed.fire({ added: [], removed: [toSession(removed)], changed: [] });
  }

  /** A current session of this connection with these scopes, signing the person in when there is none. */
  async sessionFor(connection: Connection, scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const wanted = sessionScopes(connection, scopes);
    const [existing] = await this.getSessions(wanted);
    return existing ?? this.createSession(wanted);
  }

  private async read(): Promise<StoredSession[]> {
    const text = await this.secrets.get(STORAGE_KEY);
    if (!text) return [];
    try {
      const parsed: unknown = JSON.parse(text);
      const sessions = Array.isArray(parsed) ? parsed.filter(isStoredSession) : [];
      for (const session of sessions) log.hideSecret(session.accessToken);
      return sessions;
    } catch {
      log.warn('sign-in', 'the stored sessions are unreadable and were dropped');
      return [];
    }
  }

  private async write(sessions: readonly StoredSession[]): Promise<void> {
    for (const session of sessions) log.hideSecret(session.accessToken);
    await this.secrets.store(STORAGE_KEY, JSON.stringify(sessions));
  }
}

function toSession(stored: StoredSession): vscode.AuthenticationSession {
  return { id: stored.id, accessToken: stored.accessToken, account: { ...stored.account }, scopes: [...stored.scopes] };
}
