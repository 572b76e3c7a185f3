/**
 * The AGBAC commands. Every command runs through one wrapper that logs a failure and shows one
 * clear message; none throws into VS Code.
 */
import type { JWK } from 'jose';
import * as vscode from 'vscode';
import {
  assertionTemplate,
  checkAssertionHeader,
  checkAssertionPayload,
  type Connection,
  decodeJwt,
  epochSeconds,
  findRule,
  isoTime,
  type JsonRecord,
  lintDocument,
  looksLikeJwt,
  messageOf,
  parseJwt,
  parsePayloadText,
  parsePrivateKeyText,
  RULES,
  signAssertion,
  type SigningCredential,
} from '../core';
import { registerCommand, UserFacingError } from './command';
import type { PayloadDiagnostics } from './diagnostics';
import { lintOptions } from './lint';
import { log } from './log';
import { ruleUri } from './rule-docs';
import { pickConnection } from './connections';
import type { ConnectionSecrets } from './secrets';
import { readSettings } from './settings';

const COMMANDS = {
  newAssertionPayload: 'agbac.newAssertionPayload',
  signAssertion: 'agbac.signAssertion',
  decodeToken: 'agbac.decodeToken',
  lintWorkspace: 'agbac.lintWorkspace',
  explainRule: 'agbac.explainRule',
  lookUpUserId: 'agbac.lookUpUserId',
} as const;


export interface CommandServices {
  readonly diagnostics: PayloadDiagnostics;
  readonly secrets: ConnectionSecrets;
  readonly lookUpUser: (connection: Connection, emailOrLogin: string) => Promise<{ id: string; login: string; status: string }[]>;
}

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  return [
    registerCommand(COMMANDS.newAssertionPayload, (target?: vscode.Uri, name?: string) => newAssertionPayload(target, name)),
    registerCommand(COMMANDS.signAssertion, (uri?: vscode.Uri) => signCurrentAssertion(services, uri)),
    registerCommand(COMMANDS.decodeToken, (token?: string) => decodeToken(token)),
    registerCommand(COMMANDS.lintWorkspace, () => lintWorkspace(services)),
    registerCommand(COMMANDS.explainRule, (code?: string) => explainRule(code)),
    registerCommand(COMMANDS.lookUpUserId, (query?: string) => lookUpUserId(services, query)),
  ];
}

/** Writes a new payload file into `target` (a folder), named `name` or as the user says. */
async function newAssertionPayload(target?: vscode.Uri, fileName?: string): Promise<vscode.Uri | undefined> {
  const settings = readSettings();
  const text = `${JSON.stringify(assertionTemplate(settings.activeConnection, epochSeconds(new Date()), crypto.randomUUID()), null, 2)}\n`;
  const folder = target ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) {
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: text });
    await vscode.window.showTextDocument(document);
    return document.uri;
  }
  const name = fileName ?? await vscode.window.showInputBox({
    title: 'New assertion payload',
    prompt: 'File name (the .assertion.json ending turns on the schema and the assertion rules)',
    value: 'agent.assertion.json',
    validateInput: (value) => (/^[\w.-]+\.assertion\.json$/.test(value) ? undefined : 'Use a file name ending in .assertion.json'),
  });
  if (!name) return undefined;
  const uri = vscode.Uri.joinPath(folder, name);
  const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
  if (exists) throw new UserFacingError(`${name} already exists`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(uri);
  return uri;
}

/** The payload object of a document, or a clear error. */
function payloadOf(document: vscode.TextDocument): JsonRecord {
  try {
    return parsePayloadText(document.getText(), 'the payload');
  } catch (error) {
    throw new UserFacingError(messageOf(error));
  }
}

/** A stored private key: PEM text, or a JWK as JSON. */
function storedKey(text: string, connection: string): string | JWK {
  try {
    return parsePrivateKeyText(text, `the private key stored for "${connection}"`);
  } catch (error) {
    throw new UserFacingError(`${messageOf(error)}: set it again (AGBAC: Set Secret or Key)`);
  }
}

async function signingCredential(services: CommandServices, connection: Connection | undefined): Promise<SigningCredential | undefined> {
  if (connection) {
    if (connection.authMethod === 'private_key_jwt') {
      const key = await services.secrets.get(connection, 'privateKey');
      if (key) return { kind: 'private-key', key: storedKey(key, connection.name), ...(connection.kid ? { kid: connection.kid } : {}) };
    } else {
      const secret = await services.secrets.get(connection, 'clientSecret');
      if (secret) return { kind: 'secret', secret };
    }
  }
  const secret = await vscode.window.showInputBox({
    title: 'Sign the assertion',
    prompt: connection ? `No ${connection.authMethod === 'private_key_jwt' ? 'private key' : 'client secret'} is stored for "${connection.name}": enter the client secret (it is not stored)` : 'Client secret (HS256; it is not stored)',
    password: true,
    ignoreFocusOut: true,
  });
  return secret ? { kind: 'secret', secret } : undefined;
}

async function signCurrentAssertion(services: CommandServices, uri?: vscode.Uri): Promise<string | undefined> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document) throw new UserFacingError('open an assertion payload file first');
  const payload = payloadOf(document);
  const settings = readSettings(document.uri);
  const options = lintOptions(settings, document);
  const errors = checkAssertionPayload(payload, { ...options.assertion, now: options.now }).filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    const choice = await vscode.window.showWarningMessage(
      `The payload has ${errors.length} error${errors.length > 1 ? 's' : ''} Okta would refuse (${errors[0]?.code} ${errors[0]?.message}). Sign anyway?`,
      { modal: true },
      'Sign anyway',
    );
    if (choice !== 'Sign anyway') return undefined;
  }
  const credential = await signingCredential(services, settings.activeConnection);
  if (!credential) return undefined;
  const token = await signAssertion(payload, credential).catch((error: unknown) => {
    throw new UserFacingError(messageOf(error));
  });
  const header = checkAssertionHeader(decodeJwt(token).header, { authMethod: settings.activeConnection?.authMethod });
  if (header.length) log.warn('sign', header.map((finding) => `${finding.code} ${finding.message}`).join('; '));
  const output = await vscode.workspace.openTextDocument({ language: 'plaintext', content: `${token}\n` });
  await vscode.window.showTextDocument(output, { preview: false });
  log.info('sign', `signed ${document.uri.fsPath} with ${String(decodeJwt(token).header.alg)}`);
  if (settings.copySignedToClipboard) {
    await vscode.env.clipboard.writeText(token);
    void vscode.window.showInformationMessage('AGBAC: the signed assertion is in a new editor and on the clipboard.');
  } else {
    void vscode.window.showInformationMessage('AGBAC: the signed assertion is in a new editor.', 'Copy').then(async (choice) => {
      if (choice === 'Copy') await vscode.env.clipboard.writeText(token);
    });
  }
  return token;
}

/** The token from the argument, the selection, the clipboard, or an input box, in that order. */
async function tokenToDecode(argument?: string): Promise<string | undefined> {
  if (typeof argument === 'string' && argument.trim()) return argument.trim();
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  if (looksLikeJwt(selected)) return selected;
  const clipboard = (await vscode.env.clipboard.readText()).trim();
  if (looksLikeJwt(clipboard)) return clipboard;
  return vscode.window.showInputBox({ title: 'Decode a token', prompt: 'Paste a JWT (it is decoded locally, not sent anywhere)', password: false, ignoreFocusOut: true });
}

async function decodeToken(argument?: string): Promise<vscode.TextDocument | undefined> {
  const token = await tokenToDecode(argument);
  if (!token) return undefined;
  const parsed = parseJwt(token);
  if (!parsed.ok) throw new UserFacingError(`not a readable JWT: ${parsed.error.message}`);
  const { header, payload } = parsed.jwt;
  const times = (['iat', 'nbf', 'exp'] as const).flatMap((claim) => (typeof payload[claim] === 'number' ? [`${claim} ${isoTime(payload[claim])}`] : []));
  const content = [
    `// Decoded JWT (the signature is NOT verified). Header: ${JSON.stringify(header)}`,
    ...(times.length ? [`// ${times.join(', ')}`] : []),
    JSON.stringify(payload, null, 2),
    '',
  ].join('\n');
  const document = await vscode.workspace.openTextDocument({ language: 'jsonc', content });
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

async function lintWorkspace(services: CommandServices): Promise<{ files: number; errors: number; warnings: number }> {
  const settings = readSettings();
  const uris = new Map<string, vscode.Uri>();
  for (const glob of settings.files) {
    for (const uri of await vscode.workspace.findFiles(glob, '**/node_modules/**')) uris.set(uri.toString(), uri);
  }
  let errors = 0;
  let warnings = 0;
  for (const uri of uris.values()) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const { findings } = lintDocument(text, lintOptions(readSettings(uri), { fileName: uri.path }));
    services.diagnostics.set(uri, findings);
    errors += findings.filter((finding) => finding.severity === 'error').length;
    warnings += findings.filter((finding) => finding.severity === 'warning').length;
  }
  const summary = { files: uris.size, errors, warnings };
  void vscode.window.showInformationMessage(`AGBAC: ${summary.files} payload file${summary.files === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
  if (errors + warnings > 0) await vscode.commands.executeCommand('workbench.actions.view.problems');
  return summary;
}

async function explainRule(code?: string): Promise<void> {
  let rule = code ? findRule(code) : undefined;
  if (!rule) {
    const picked = await vscode.window.showQuickPick(
      RULES.map((candidate) => ({ label: candidate.code, description: candidate.name, detail: candidate.message.replace(/\{\w+\}/g, '…'), code: candidate.code })),
      { title: 'Explain an AGBAC rule', matchOnDescription: true, matchOnDetail: true },
    );
    rule = picked ? findRule(picked.code) : undefined;
  }
  if (!rule) return;
  const document = await vscode.workspace.openTextDocument(ruleUri(rule.code));
  await vscode.languages.setTextDocumentLanguage(document, 'markdown');
  await vscode.window.showTextDocument(document, { preview: true });
}

async function lookUpUserId(services: CommandServices, query?: string): Promise<string | undefined> {
  const connection = await pickConnection(undefined, 'to look the user up in');
  const login = query ?? (await vscode.window.showInputBox({ title: 'Look up an Okta user id', prompt: 'Login or email address', ignoreFocusOut: true }));
  if (!login) return undefined;
  const users = await services.lookUpUser(connection, login);
  if (users.length === 0) throw new UserFacingError(`no user in ${connection.orgUrl} has the login or email ${login}`);
  const [user] = users;
  if (!user) return undefined;
  await vscode.env.clipboard.writeText(user.id);
  void vscode.window.showInformationMessage(`AGBAC: ${user.login} is ${user.id} (${user.status}); copied to the clipboard.`);
  return user.id;
}
