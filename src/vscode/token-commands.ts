/**
 * The token commands: Request Token, Inspect Token, Verify Token, Copy Token, Copy Token Request
 * as curl, Export Audit Event, Open Token as JSON, Clear Recent Tokens. Tokens stay in memory
 * (state.ts); commands pass their ids around, and return ids, decisions and reasons, never a token.
 */
import * as vscode from 'vscode';
import {
  type AuditEvent,
  type Connection,
  connectionUrls,
  type Decision,
  type Human,
  isRecord,
  looksLikeJwt,
  parseJwt,
  redactToken,
  type SigningCredential,
  type Verification,
} from '../core';
import type { HumanPolicy, TokenRequestOptions, TokenResult } from '../oauth';
import { registerCommand, showError, UserFacingError } from './command';
import { pickConnection, pickHuman, requireLiveSandbox, signingCredential, START_SANDBOX } from './connections';
import { log } from './log';
import { curlTokenRequest, CURL_VARIABLES } from './model/curl';
import { type CheckedToken, humanLabel, type RecentToken, remainingLife } from './model/tokens';
import { management, oauthClient, oktaAdvice } from './management';
import { COMMAND, type Services } from './services';
import { readSettings } from './settings';
import { nowSeconds } from './state';
import { refOf } from './tree';

/** What Request Token answers (to callers such as tests and the walkthrough): never the token. */
export type RequestResult =
  | { readonly kind: 'token'; readonly tokenId: string; readonly decision: Decision; readonly reasons: readonly string[] }
  | { readonly kind: 'refused'; readonly error: string; readonly description: string | undefined; readonly meaning: string; readonly fix: string; readonly guideStep: string | undefined }
  | { readonly kind: 'cancelled' };

const REQUEST_TIMEOUT_MS = 15_000;

function optionsOf(argument: unknown): Record<string, unknown> {
  return isRecord(argument) ? argument : {};
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

export function registerTokenCommands(services: Services): vscode.Disposable[] {
  return [
    registerCommand(COMMAND.requestToken, (argument?: unknown) => requestTokenCommand(services, argument)),
    registerCommand(COMMAND.inspectToken, (argument?: unknown) => inspectToken(services, argument)),
    registerCommand(COMMAND.verifyToken, (argument?: unknown) => verifyTokenCommand(services, argument)),
    registerCommand(COMMAND.copyToken, (argument?: unknown) => copyToken(services, argument)),
    registerCommand(COMMAND.copyTokenRequestAsCurl, (argument?: unknown) => copyCurl(services, argument)),
    registerCommand(COMMAND.exportAuditEvent, (argument?: unknown) => exportAuditEvent(services, argument)),
    registerCommand(COMMAND.openTokenJson, async (argument?: unknown) => {
      const token = await tokenFrom(services, argument, { pick: false });
      return vscode.commands.executeCommand<vscode.TextDocument | undefined>(COMMAND.decodeToken, token.token);
    }),
    registerCommand(COMMAND.clearTokens, (argument?: unknown) => {
      services.state.clearTokens(refOf(argument).connection);
    }),
  ];
}

async function pickScopes(connection: Connection): Promise<string[] | undefined> {
  if (connection.scopes.length <= 1) return [...connection.scopes];
  const picked = await vscode.window.showQuickPick(
    connection.scopes.map((scope) => ({ label: scope, picked: true })),
    { title: `Request a token: scopes (${connection.name})`, canPickMany: true },
  );
  return picked?.length ? picked.map((item) => item.label) : undefined;
}

async function requestTokenCommand(services: Services, argument: unknown): Promise<RequestResult | undefined> {
  const ref = refOf(argument);
  const options = optionsOf(argument);
  const connection = await pickConnection(ref.connection, 'for the token request');
  requireLiveSandbox(connection, services.state);
  if (connection.actDelivery === 'token-exchange') return exchangeTokenCommand(services, connection, strings(options.scopes));
  const requested = typeof options.human === 'string' ? options.human : ref.human;
  const human = options.human === null ? null : await pickHuman(connection, services.secrets, requested);
  if (human === undefined) return undefined;
  const scopes = strings(options.scopes) ?? (await pickScopes(connection));
  if (!scopes) return undefined;
  const credential = await signingCredential(connection, services.secrets);
  // Through a token inline hook the human travels in an act assertion on the token URL, signed
  // afresh for each attempt; the client assertion then carries no act.
  const viaHook = connection.actDelivery === 'inline-hook' && connection.hookUrl !== undefined && human !== null;
  const urlParameters = viaHook
    ? (await management()).actAssertionParameters({ clientId: connection.clientId, hookUrl: connection.hookUrl ?? '', human, credential, clock: nowSeconds, newId: () => crypto.randomUUID() })
    : undefined;
  const who = human ? ` for ${humanLabel(human)}` : ' without a human';
  const result = await sendTokenRequest(connection, scopes, credential, {
    title: `AGBAC: requesting a token${who} from ${connection.name}`,
    what: 'token request',
    extra: { ...(human && !viaHook ? { human } : {}), ...(urlParameters ? { urlParameters } : {}) },
  });
  return 'accessToken' in result ? received(services, connection, result, human ?? undefined, scopes) : result;
}

/**
 * Request Token for a connection whose human comes from token exchange: the signed-in person's
 * own access token (signing them in first when there is no session) is the subject, and the agent,
 * authenticated by its client assertion (which names no one), exchanges it.
 */
async function exchangeTokenCommand(services: Services, connection: Connection, given: string[] | undefined): Promise<RequestResult | undefined> {
  const scopes = given ?? (await pickScopes(connection));
  if (!scopes) return undefined;
  const session = await services.signIn.sessionFor(connection, scopes);
  const human: Human = { id: session.account.id, ...(session.account.label.includes('@') ? { email: session.account.label } : {}) };
  const credential = await signingCredential(connection, services.secrets);
  const result = await sendTokenRequest(connection, scopes, credential, {
    title: `AGBAC: exchanging ${humanLabel(human)}'s token as ${connection.clientId} at ${connection.name}`,
    what: 'token exchange',
    extra: { exchange: { subjectToken: session.accessToken, ...(connection.apiAudience ? { audience: connection.apiAudience } : {}) } },
  });
  return 'accessToken' in result ? received(services, connection, result, human, scopes) : result;
}

/**
 * One token request under a cancellable progress notification. A refusal is explained with what
 * it means and how to fix it (and, for an exchange, an offer to sign in again); an org that cannot
 * be reached is named with a way to edit it; a cancellation is a result, not an error.
 */
async function sendTokenRequest(
  connection: Connection,
  scopes: readonly string[],
  credential: SigningCredential,
  request: { readonly title: string; readonly what: 'token request' | 'token exchange'; readonly extra: Pick<TokenRequestOptions, 'human' | 'urlParameters' | 'exchange'> },
): Promise<TokenResult | Exclude<RequestResult, { kind: 'token' }>> {
  const urls = connectionUrls(connection);
  const { adviceFor, tokenErrorHint } = await oktaAdvice();
  const { NetworkError, requestToken, TOKEN_EXCHANGE_GRANT_TYPE, TokenError } = await oauthClient();
  const exchange = request.what === 'token exchange';
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: request.title, cancellable: true }, (_progress, cancellation) => {
      const controller = new AbortController();
      cancellation.onCancellationRequested(() => controller.abort());
      return requestToken({
        tokenEndpoint: urls.tokenEndpoint,
        issuer: urls.issuer,
        clientId: connection.clientId,
        credential,
        scopes,
        ...request.extra,
        audienceStyle: connection.audienceStyle,
        hint: tokenErrorHint,
        signal: controller.signal,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    });
  } catch (error) {
    if (error instanceof NetworkError && error.failure === 'aborted') {
      log.info('token', `the ${request.what} to ${connection.name} was cancelled`);
      return { kind: 'cancelled' };
    }
    if (error instanceof TokenError) {
      const advice = adviceFor(error.error, error.errorDescription, { tokenEndpoint: urls.tokenEndpoint, clientId: connection.clientId, scopes, ...(exchange ? { grantType: TOKEN_EXCHANGE_GRANT_TYPE } : {}) });
      const refusal = `${connection.name} refused the ${request.what}: ${error.error}${error.errorDescription ? ` (${error.errorDescription})` : ''}`;
      log.warn('token', refusal);
      showError(COMMAND.requestToken, `AGBAC: ${refusal}. ${advice.meaning} Fix: ${advice.fix}`, [
        ...(advice.guideStep ? [{ title: `Guide: ${advice.guideStep}`, command: COMMAND.openGuideStep, args: [advice.guideStep] }] : []),
        exchange
          ? { title: 'Sign In Again', command: COMMAND.signIn, args: [{ connection: connection.name }] }
          : { title: 'Run Doctor', command: COMMAND.runDoctor, args: [{ connection: connection.name }] },
      ]);
      return { kind: 'refused', error: error.error, description: error.errorDescription, meaning: advice.meaning, fix: advice.fix, guideStep: advice.guideStep };
    }
    if (error instanceof NetworkError && (error.failure === 'refused' || error.failure === 'dns' || error.failure === 'timeout')) {
      throw new UserFacingError(`${error.message}: check the org URL of "${connection.name}" (${connection.orgUrl}) and the network`, {
        cause: error,
        next: [{ title: 'Edit Connection', command: COMMAND.editConnection, args: [{ connection: connection.name }] }, START_SANDBOX],
      });
    }
    throw error;
  }
}

/** Keeps a new token, shows it, and verifies it against its connection. */
async function received(services: Services, connection: Connection, result: TokenResult, human: Human | undefined, scopes: readonly string[]): Promise<RequestResult> {
  const token = recentFromResult(result, connection, human, scopes);
  services.state.addToken(token);
  // People by id only in the log, as in audit events.
  log.info('token', `${connection.name} issued a token ${human ? `for ${human.id}` : 'without a human'} (${scopes.join(' ')}): ${redactToken(result.accessToken)}`);
  await services.inspector.reveal();
  void services.tree.reveal(`c:${connection.name}/token/${token.id}`);
  const checked = await verifyRecent(services, token, connection);
  return { kind: 'token', tokenId: token.id, decision: checked.verification.decision, reasons: checked.verification.audit.reasons };
}

function recentFromResult(result: TokenResult, connection: Connection, human: Human | undefined, scopes: readonly string[]): RecentToken {
  const parsed = parseJwt(result.accessToken);
  const now = nowSeconds();
  const exp = parsed.ok && typeof parsed.jwt.payload.exp === 'number' ? parsed.jwt.payload.exp : result.expiresIn !== undefined ? now + result.expiresIn : undefined;
  return {
    id: crypto.randomUUID(),
    source: 'request',
    token: result.accessToken,
    connection: connection.name,
    human,
    scopes,
    assertion: result.assertion,
    receivedAt: now,
    expiresAt: exp,
  };
}

/** A token someone handed in (an argument, the selection, the clipboard, an input box), kept like a requested one. */
function pastedToken(services: Services, text: string, connection: string | undefined): RecentToken {
  const parsed = parseJwt(text);
  if (!parsed.ok) throw new UserFacingError(`not a readable JWT: ${parsed.error.message}. Paste the whole compact token (three base64url parts joined by dots)`);
  const payload = parsed.jwt.payload;
  const act = isRecord(payload.act) ? payload.act : undefined;
  const token: RecentToken = {
    id: crypto.randomUUID(),
    source: 'pasted',
    token: parsed.jwt.token,
    connection,
    human: act && typeof act.sub === 'string' ? { id: act.sub, ...(typeof act.email === 'string' ? { email: act.email } : {}), ...(typeof act.name === 'string' ? { name: act.name } : {}) } : undefined,
    scopes: Array.isArray(payload.scp) ? payload.scp.filter((scope): scope is string => typeof scope === 'string') : typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(Boolean) : [],
    assertion: undefined,
    receivedAt: nowSeconds(),
    expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined,
  };
  services.state.addToken(token);
  return token;
}

/** Where a handed-in token came from: a workspace file's text needs a trusted workspace before it goes on the network. */
type TokenText = { readonly text: string; readonly fromWorkspaceFile: boolean };

async function tokenText(argument: unknown): Promise<TokenText | undefined> {
  const options = optionsOf(argument);
  if (typeof argument === 'string' && argument.trim()) return { text: argument.trim(), fromWorkspaceFile: false };
  if (typeof options.token === 'string' && options.token.trim()) return { text: options.token.trim(), fromWorkspaceFile: false };
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  if (looksLikeJwt(selected)) return { text: selected, fromWorkspaceFile: editor?.document.uri.scheme !== 'untitled' };
  const clipboard = (await vscode.env.clipboard.readText()).trim();
  if (looksLikeJwt(clipboard)) return { text: clipboard, fromWorkspaceFile: false };
  const typed = await vscode.window.showInputBox({ title: 'Inspect a token', prompt: 'Paste a JWT (decoded here; sent nowhere until you verify it)', ignoreFocusOut: true });
  return typed?.trim() ? { text: typed.trim(), fromWorkspaceFile: false } : undefined;
}

/** The token a command acts on: by id (a tree row, the inspector), else the current one, else (with `pick`) handed in. */
async function tokenFrom(services: Services, argument: unknown, options: { pick: boolean }): Promise<RecentToken> {
  const ref = refOf(argument);
  if (ref.tokenId) {
    const token = services.state.token(ref.tokenId);
    if (!token) throw new UserFacingError('that token is no longer in memory (tokens are never stored): request a new one', { next: [{ title: 'Request Token', command: COMMAND.requestToken }] });
    return token;
  }
  const handed = typeof argument === 'string' || typeof optionsOf(argument).token === 'string';
  if (!handed && services.state.current) return services.state.current;
  if (!options.pick && !handed) {
    throw new UserFacingError('there is no token yet: request one, or inspect a JWT', { next: [{ title: 'Request Token', command: COMMAND.requestToken }, { title: 'Inspect Token', command: COMMAND.inspectToken }] });
  }
  const text = await tokenText(argument);
  if (!text) throw new UserFacingError('no token was given: select a JWT in an editor, copy one, or paste it when asked');
  return handIn(services, text);
}

/** Tokens read from a workspace file's selection: verifying them contacts a server, which needs trust. */
const fromWorkspaceFiles = new Set<string>();

function handIn(services: Services, text: TokenText): RecentToken {
  const token = pastedToken(services, text.text, readSettings().activeConnection?.name);
  if (text.fromWorkspaceFile) fromWorkspaceFiles.add(token.id);
  return token;
}

async function inspectToken(services: Services, argument: unknown): Promise<string | undefined> {
  let token: RecentToken;
  if (refOf(argument).tokenId) {
    token = await tokenFrom(services, argument, { pick: false });
  } else {
    const text = await tokenText(argument);
    if (!text) return undefined;
    token = handIn(services, text);
  }
  services.state.setCurrent(token.id);
  await services.inspector.reveal();
  if (token.connection) void services.tree.reveal(`c:${token.connection}/token/${token.id}`);
  return token.id;
}

/**
 * Verifies a recent token against its connection: the issuer's keys, the token rules, the agent
 * approved as the connection's, the human approved by the connection's group (read through the
 * Management API when an API token is stored), and the act round trip when the assertion is known.
 */
export async function verifyRecent(services: Services, token: RecentToken, connection: Connection): Promise<CheckedToken> {
  const settings = readSettings();
  const urls = connectionUrls(connection);
  let human: HumanPolicy | undefined;
  let humanApproval: string | undefined;
  let humanUnchecked: string | undefined;
  if (connection.group) {
    const apiToken = await services.secrets.get(connection, 'apiToken');
    if (apiToken) {
      const okta = await management();
      const org = await okta.connectOrg({ orgUrl: connection.orgUrl, credential: { kind: 'api-token', token: apiToken } });
      human = { kind: 'group', group: connection.group, directory: okta.oktaDirectory(org) };
      humanApproval = `member of ${connection.group}`;
    } else {
      humanUnchecked = `no Management API token is stored for "${connection.name}", so membership of ${connection.group} cannot be read`;
    }
  } else {
    humanUnchecked = 'the connection names no approving group (Edit Connection sets one)';
  }
  const parsed = parseJwt(token.token);
  const aud = parsed.ok ? parsed.jwt.payload.aud : undefined;
  const act = token.assertion?.act;
  services.inspector.busy('Verifying: keys from the issuer, the token rules, both subjects…');
  const { verifyLive } = await oauthClient();
  let verification: Verification;
  try {
    verification = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'AGBAC: verifying the token' }, () =>
      verifyLive(token.token, {
        issuer: urls.issuer,
        audience: connection.apiAudience ?? (typeof aud === 'string' ? aud : urls.issuer),
        requiredScopes: token.scopes,
        approvedAgents: [connection.clientId],
        // The agent is checked, so the shape may tell where the two subjects are (an exchanged token has no act).
        detectMapping: true,
        ...(human ? { human } : {}),
        ...(isRecord(act) ? { expectedActor: act } : {}),
        ...(token.scopes.length ? { action: token.scopes.join(' ') } : {}),
        resource: connection.apiAudience ?? urls.issuer,
        profile: settings.profile,
        clockSkewSeconds: settings.clockSkewSeconds,
        now: nowSeconds(),
        timeoutMs: REQUEST_TIMEOUT_MS,
      }),
    );
  } finally {
    services.inspector.busy(null);
  }
  const checked: CheckedToken = { verification, humanApproval, humanUnchecked };
  services.state.setChecked(token.id, checked);
  // The audit event names ids only (no email, no name, no token).
  log.info('verify', `${verification.decision} for ${token.connection ?? '?'}: audit event ${JSON.stringify(verification.audit)}`);
  return checked;
}

async function verifyTokenCommand(services: Services, argument: unknown): Promise<Verification> {
  const token = await tokenFrom(services, argument, { pick: true });
  if (fromWorkspaceFiles.has(token.id) && !vscode.workspace.isTrusted) {
    throw new UserFacingError('this token comes from a file of a workspace you have not trusted: verifying it contacts a server; trust the workspace first, or paste the token instead', {
      next: [{ title: 'Manage Workspace Trust', command: 'workbench.trust.manage' }],
    });
  }
  const connection = await pickConnection(token.connection, 'to verify against');
  requireLiveSandbox(connection, services.state);
  const target = token.connection === connection.name ? token : { ...token, connection: connection.name };
  if (target !== token) services.state.addToken(target);
  services.state.setCurrent(target.id);
  const { verification } = await verifyRecent(services, target, connection);
  const message = verification.decision === 'ALLOW'
    ? `AGBAC: ALLOW: the agent ${verification.agent ?? '?'} and the human ${verification.human ?? '?'} are both approved.`
    : `AGBAC: DENY: ${verification.findings.filter((finding) => finding.severity === 'error').map((finding) => `${finding.code} ${finding.message}`).join('; ')}`;
  const show = verification.decision === 'ALLOW' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void show(message, 'Open Inspector', 'Export Audit Event').then(async (choice) => {
    if (choice === 'Open Inspector') await services.inspector.reveal();
    if (choice === 'Export Audit Event') await vscode.commands.executeCommand(COMMAND.exportAuditEvent, { tokenId: target.id });
  });
  return verification;
}

async function copyToken(services: Services, argument: unknown): Promise<boolean> {
  const token = await tokenFrom(services, argument, { pick: false });
  if (optionsOf(argument).acknowledged !== true) {
    const life = remainingLife(token.expiresAt, nowSeconds());
    const choice = await vscode.window.showWarningMessage(
      `This access token is a bearer credential: whoever holds it can call the API as the agent acting for ${humanLabel(token.human)} until it expires (${life === 'expired' ? 'it has expired' : `in ${life}`}). Paste it only where it is needed; never into chats, tickets or logs.`,
      { modal: true },
      'Copy Token',
    );
    if (choice !== 'Copy Token') return false;
  }
  await vscode.env.clipboard.writeText(token.token);
  log.info('token', `copied ${redactToken(token.token)} to the clipboard`);
  void vscode.window.showInformationMessage('AGBAC: the token is on the clipboard.');
  return true;
}

async function copyCurl(services: Services, argument: unknown): Promise<string | undefined> {
  const ref = refOf(argument);
  let connection: Connection;
  let human: Human | undefined;
  let scopes: readonly string[];
  const token = ref.tokenId ? services.state.token(ref.tokenId) : undefined;
  if (token?.connection) {
    connection = await pickConnection(token.connection, 'for the request');
    human = token.human;
    scopes = token.scopes;
  } else {
    connection = await pickConnection(ref.connection, 'for the request');
    const picked = await pickHuman(connection, services.secrets, typeof optionsOf(argument).human === 'string' ? (optionsOf(argument).human as string) : ref.human);
    if (picked === undefined) return undefined;
    human = picked ?? undefined;
    scopes = connection.scopes;
  }
  const text = curlTokenRequest(connection, human, scopes);
  await vscode.env.clipboard.writeText(text);
  const variable = connection.authMethod === 'private_key_jwt' ? CURL_VARIABLES.privateKeyFile : CURL_VARIABLES.clientSecret;
  void vscode.window.showInformationMessage(`AGBAC: the token request is on the clipboard as a shell snippet. It reads the credential from $${variable}: set that first; no secret is in the snippet.`);
  return text;
}

async function exportAuditEvent(services: Services, argument: unknown): Promise<AuditEvent> {
  const token = await tokenFrom(services, argument, { pick: false });
  let checked = token.checked;
  if (!checked) {
    const connection = await pickConnection(token.connection, 'to verify against');
    requireLiveSandbox(connection, services.state);
    checked = await verifyRecent(services, token, connection);
  }
  const audit = checked.verification.audit;
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(audit, null, 2)}\n` });
  await vscode.window.showTextDocument(document, { preview: false });
  return audit;
}
