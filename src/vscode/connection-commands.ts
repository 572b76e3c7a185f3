/**
 * The connection commands: add, edit, rename, remove, set active; secrets (set, remove) and
 * Generate Key Pair; humans (add through a user look-up, remove); the local sandbox (start, stop);
 * and the view's small helpers (refresh, log, walkthrough). Every command takes its connection
 * from a tree row, an options object (`{ connection: "name", … }`, for scripts and tests) or the
 * active connection, and asks for what is missing.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import * as vscode from 'vscode';
import { type Connection, type Human, isRecord, messageOf, parsePrivateKeyText, readConnection } from '../core';
import { registerCommand, UserFacingError } from './command';
import { connectionWizard } from './connection-wizard';
import { lookUpHuman, pickConnection } from './connections';
import { log } from './log';
import { isSecretKind, SECRET_KINDS, type SecretKind } from './model/tree';
import { SANDBOX_CONNECTION, type SandboxInfo } from './sandbox-controller';
import { COMMAND, type Services } from './services';
import { connectionTarget, readSettings, removeConnection, saveConnection, setActiveConnection, type SettingsTarget } from './settings';
import { refOf } from './tree';

export const WALKTHROUGH = 'agbac.agbac-toolkit#agbac.setup';

function optionsOf(argument: unknown): Record<string, unknown> {
  return isRecord(argument) ? argument : {};
}

function text(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' ? value : undefined;
}

export function registerConnectionCommands(services: Services): vscode.Disposable[] {
  return [
    registerCommand(COMMAND.addConnection, (argument?: unknown) => addConnection(services, argument)),
    registerCommand(COMMAND.editConnection, (argument?: unknown) => editConnection(services, argument)),
    registerCommand(COMMAND.renameConnection, (argument?: unknown, newName?: string) => renameConnection(services, argument, newName)),
    registerCommand(COMMAND.removeConnection, (argument?: unknown) => removeConnectionCommand(services, argument)),
    registerCommand(COMMAND.setActiveConnection, (argument?: unknown) => setActive(argument)),
    registerCommand(COMMAND.setSecret, (argument?: unknown) => setSecret(services, argument)),
    registerCommand(COMMAND.removeSecret, (argument?: unknown) => removeSecret(services, argument)),
    registerCommand(COMMAND.generateKeyPair, (argument?: unknown) => generateKeys(services, argument)),
    registerCommand(COMMAND.addHuman, (argument?: unknown, query?: string) => addHuman(services, argument, query)),
    registerCommand(COMMAND.removeHuman, (argument?: unknown) => removeHuman(argument)),
    registerCommand(COMMAND.startSandbox, (argument?: unknown) => startSandbox(services, argument)),
    registerCommand(COMMAND.stopSandbox, () => stopSandbox(services)),
    registerCommand(COMMAND.refreshConnections, () => services.tree.refresh()),
    registerCommand(COMMAND.showLog, () => log.show()),
    registerCommand(COMMAND.openWalkthrough, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false)),
    registerCommand(COMMAND.openGuideStep, (step?: unknown) => openGuideStep(typeof step === 'string' ? step : '')),
  ];
}

/** Saves a connection and, when given, its API token; makes it active when none is. */
async function save(services: Services, connection: Connection, target: SettingsTarget, apiToken: string | undefined, replacing?: string): Promise<void> {
  if (replacing && replacing !== connection.name) {
    await services.secrets.rename(replacing, connection.name);
    services.state.renameConnection(replacing, connection.name);
  }
  const where = await saveConnection(connection, target, replacing ?? connection.name);
  if (apiToken) await services.secrets.store(connection, 'apiToken', apiToken);
  const settings = readSettings();
  if (!settings.activeConnection || settings.activeConnection.name === replacing) await setActiveConnection(connection.name);
  log.info('connections', `saved "${connection.name}" in the ${where} settings`);
}

/**
 * Add Okta Connection: the multi-step input, or (for scripts and tests) an options object with the
 * connection's fields, `target` ("user" or "workspace"), and its `apiToken` / `clientSecret`.
 */
async function addConnection(services: Services, argument: unknown): Promise<string | undefined> {
  const options = optionsOf(argument);
  if (text(options, 'name')) {
    const { apiToken, clientSecret, target, ...fields } = options;
    const read = readConnection(fields);
    if (!('connection' in read)) throw new UserFacingError(`the connection is not valid: ${read.errors.join('; ')}`);
    if (readSettings().connections.some((connection) => connection.name === read.connection.name)) {
      throw new UserFacingError(`a connection named "${read.connection.name}" exists: edit it, or choose another name`);
    }
    await save(services, read.connection, target === 'workspace' ? 'workspace' : 'user', typeof apiToken === 'string' ? apiToken : undefined);
    if (typeof clientSecret === 'string') await services.secrets.store(read.connection, 'clientSecret', clientSecret);
    return read.connection.name;
  }
  const result = await connectionWizard();
  if (!result) return undefined;
  await save(services, result.connection, result.target, result.apiToken);
  await offerCredential(services, result.connection);
  return result.connection.name;
}

/** After adding: the secret or key the agent signs with, if the person has it at hand. */
async function offerCredential(services: Services, connection: Connection): Promise<void> {
  if (connection.authMethod === 'private_key_jwt') {
    const choice = await vscode.window.showInformationMessage(
      `AGBAC: "${connection.name}" is saved. The agent signs with a private key: generate a key pair (its public key is then registered with the app), or store the key you have.`,
      'Generate Key Pair', 'Set Private Key',
    );
    if (choice === 'Generate Key Pair') await vscode.commands.executeCommand(COMMAND.generateKeyPair, { connection: connection.name });
    if (choice === 'Set Private Key') await vscode.commands.executeCommand(COMMAND.setSecret, { connection: connection.name, kind: 'privateKey' });
    return;
  }
  const secret = await vscode.window.showInputBox({
    title: `The client secret of ${connection.clientId} (${connection.name})`,
    prompt: 'Okta: the app → Client Credentials. Kept in SecretStorage only; leave empty to set it later.',
    password: true,
    ignoreFocusOut: true,
  });
  if (secret?.trim()) {
    await services.secrets.store(connection, 'clientSecret', secret.trim());
    log.info('secrets', `stored the clientSecret of ${connection.name}`);
  }
}

async function editConnection(services: Services, argument: unknown): Promise<string | undefined> {
  const existing = await pickConnection(refOf(argument).connection, 'to edit');
  const result = await connectionWizard(existing);
  if (!result) return undefined;
  await save(services, result.connection, connectionTarget(existing.name) ?? 'user', result.apiToken, existing.name);
  return result.connection.name;
}

async function renameConnection(services: Services, argument: unknown, newName?: string): Promise<string | undefined> {
  const connection = await pickConnection(refOf(argument).connection, 'to rename');
  const taken = readSettings().connections.map((candidate) => candidate.name).filter((name) => name !== connection.name);
  const name = (newName ?? text(optionsOf(argument), 'newName') ?? (await vscode.window.showInputBox({
    title: `Rename ${connection.name}`,
    value: connection.name,
    validateInput: (value) => (!value.trim() ? 'Enter a name' : taken.includes(value.trim()) ? `"${value.trim()}" is taken` : undefined),
  })))?.trim();
  if (!name || name === connection.name) return undefined;
  if (taken.includes(name)) throw new UserFacingError(`"${name}" is taken: choose another name`);
  await save(services, { ...connection, name }, connectionTarget(connection.name) ?? 'user', undefined, connection.name);
  return name;
}

async function removeConnectionCommand(services: Services, argument: unknown): Promise<boolean> {
  const connection = await pickConnection(refOf(argument).connection, 'to remove');
  if (optionsOf(argument).confirmed !== true) {
    const choice = await vscode.window.showWarningMessage(
      `Remove the connection "${connection.name}"? Its settings entry and its secrets in SecretStorage are deleted; the Okta org is not touched.`,
      { modal: true },
      'Remove',
    );
    if (choice !== 'Remove') return false;
  }
  if (services.state.sandbox?.connection === connection.name) await services.sandbox.stop();
  await removeConnection(connection.name);
  await services.secrets.deleteAll(connection.name);
  services.state.forgetConnection(connection.name);
  if (services.state.sandbox?.connection === connection.name) services.state.setSandbox(undefined);
  log.info('connections', `removed "${connection.name}" and its secrets`);
  return true;
}

async function setActive(argument: unknown): Promise<string | undefined> {
  const name = refOf(argument).connection;
  let connection: Connection | undefined;
  if (name) {
    connection = await pickConnection(name, 'to make active');
  } else {
    const settings = readSettings();
    if (!settings.connections.length) return pickConnection(undefined, 'to make active').then((picked) => picked.name);
    connection = (await vscode.window.showQuickPick(
      settings.connections.map((candidate) => ({ label: candidate.name, description: `${candidate.orgUrl}${candidate.name === settings.activeConnection?.name ? ' (active)' : ''}`, connection: candidate })),
      { title: 'The active connection (the rules, commands and status bar use it)' },
    ))?.connection;
  }
  if (!connection) return undefined;
  await setActiveConnection(connection.name);
  return connection.name;
}

async function setSecret(services: Services, argument: unknown): Promise<boolean> {
  const ref = refOf(argument);
  const options = optionsOf(argument);
  const connection = await pickConnection(ref.connection, 'for the secret');
  let kind: SecretKind | undefined = ref.secret ?? (isSecretKind(options.kind) ? options.kind : undefined);
  if (!kind) {
    kind = (await vscode.window.showQuickPick(
      (Object.keys(SECRET_KINDS) as SecretKind[]).map((candidate) => ({ label: SECRET_KINDS[candidate], secretKind: candidate })),
      { title: `Secret for ${connection.name}` },
    ))?.secretKind;
  }
  if (!kind) return false;
  const value = (text(options, 'value') ?? (await vscode.window.showInputBox({
    title: `${SECRET_KINDS[kind]} for ${connection.name}`,
    prompt: kind === 'privateKey' ? 'Paste the PKCS#8 PEM (one line is fine) or the private JWK; kept in SecretStorage only' : "Kept in VS Code's secret storage only",
    password: true,
    ignoreFocusOut: true,
  })))?.trim();
  if (!value) return false;
  if (kind === 'privateKey') {
    try {
      parsePrivateKeyText(value, 'the private key');
    } catch (error) {
      throw new UserFacingError(`${messageOf(error)}: paste a private key as PKCS#8 PEM (its first line says BEGIN PRIVATE KEY) or as a private JWK`);
    }
  }
  await services.secrets.store(connection, kind, value);
  log.info('secrets', `stored the ${kind} of ${connection.name}`);
  return true;
}

async function removeSecret(services: Services, argument: unknown): Promise<boolean> {
  const ref = refOf(argument);
  const options = optionsOf(argument);
  const connection = await pickConnection(ref.connection, 'for the secret');
  const stored = [...(await services.secrets.present(connection))];
  let kind: SecretKind | undefined = ref.secret ?? (isSecretKind(options.kind) ? options.kind : undefined);
  if (!kind) {
    if (!stored.length) throw new UserFacingError(`no secret is stored for "${connection.name}"`);
    kind = (await vscode.window.showQuickPick(stored.map((candidate) => ({ label: SECRET_KINDS[candidate], secretKind: candidate })), { title: `Remove a secret of ${connection.name}` }))?.secretKind;
  }
  if (!kind) return false;
  if (options.confirmed !== true) {
    const choice = await vscode.window.showWarningMessage(`Remove the ${SECRET_KINDS[kind]} of "${connection.name}" from SecretStorage?`, { modal: true }, 'Remove');
    if (choice !== 'Remove') return false;
  }
  await services.secrets.delete(connection, kind);
  log.info('secrets', `removed the ${kind} of ${connection.name}`);
  return true;
}

/** The public half of a stored private key, as a JWK with its kid and algorithm (node:crypto reads PEM and JWK alike). */
export function publicJwkOf(privateKey: string, kid: string | undefined): JWK {
  const parsed = parsePrivateKeyText(privateKey, 'the stored private key');
  const key = typeof parsed === 'string' ? createPrivateKey(parsed) : createPrivateKey({ key: parsed as NodeJsonWebKey, format: 'jwk' });
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JWK;
  const alg = jwk.kty === 'RSA' ? 'RS256' : jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256';
  return { ...jwk, ...(kid ? { kid } : {}), alg, use: 'sig' };
}

export interface GeneratedKeys {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly publicJwk: JWK;
}

/**
 * Generate Key Pair: a new RS256 or ES256 key pair for private_key_jwt. The private key goes to
 * SecretStorage; the connection switches to private_key_jwt with the new kid; the public JWK is then
 * registered with the app through provisioning, or copied for the admin console.
 */
async function generateKeys(services: Services, argument: unknown): Promise<GeneratedKeys | undefined> {
  const options = optionsOf(argument);
  const connection = await pickConnection(refOf(argument).connection, 'for the key pair');
  let alg: 'RS256' | 'ES256' | undefined = options.alg === 'RS256' || options.alg === 'ES256' ? options.alg : undefined;
  alg ??= (await vscode.window.showQuickPick(
    [
      { label: 'RS256', description: 'RSA 2048: what every Okta org accepts', alg: 'RS256' as const },
      { label: 'ES256', description: 'ECDSA P-256: smaller keys and signatures', alg: 'ES256' as const },
    ],
    { title: `A key pair for ${connection.name} (private_key_jwt)` },
  ))?.alg;
  if (!alg) return undefined;
  if (options.replace !== true && (await services.secrets.get(connection, 'privateKey'))) {
    const choice = await vscode.window.showWarningMessage(
      `"${connection.name}" already has a private key. Replace it? Tokens need the new public key registered with the app before they work again.`,
      { modal: true },
      'Replace',
    );
    if (choice !== 'Replace') return undefined;
  }
  const kid = text(options, 'kid') ?? `agbac-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 4)}`;
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const privatePem = await exportPKCS8(pair.privateKey);
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  await services.secrets.store(connection, 'privateKey', privatePem);
  await saveConnection({ ...connection, authMethod: 'private_key_jwt', kid }, connectionTarget(connection.name) ?? 'user');
  log.info('keys', `generated an ${alg} key pair for ${connection.name} (kid ${kid}); the private key is in SecretStorage`);
  const next = text(options, 'then') ?? (await vscode.window.showInformationMessage(
    `AGBAC: a new ${alg} key pair (kid ${kid}) for "${connection.name}"; its private key is in SecretStorage. Okta needs the public key: register it with the agent app through provisioning, or copy the public JWK for the admin console (the app → Public Keys).`,
    'Register with Okta', 'Copy Public JWK',
  ));
  if (next === 'Register with Okta' || next === 'register') await vscode.commands.executeCommand(COMMAND.provision, { connection: connection.name });
  if (next === 'Copy Public JWK' || next === 'copy') await vscode.env.clipboard.writeText(JSON.stringify(publicJwk, null, 2));
  return { kid, alg, publicJwk };
}

async function addHuman(services: Services, argument: unknown, query?: string): Promise<Human | undefined> {
  const connection = await pickConnection(refOf(argument).connection, 'for the human');
  const wanted = query ?? text(optionsOf(argument), 'query') ?? (await vscode.window.showInputBox({
    title: `Add a human to ${connection.name}`,
    prompt: 'The login or email of the person the agent acts for (looked up in the org for their user id)',
    ignoreFocusOut: true,
  }));
  if (!wanted?.trim()) return undefined;
  const human = await lookUpHuman(connection, services.secrets, wanted.trim());
  const humans = [...connection.humans.filter((existing) => existing.id !== human.id), human];
  await saveConnection({ ...connection, humans }, connectionTarget(connection.name) ?? 'user');
  void vscode.window.showInformationMessage(`AGBAC: ${human.email ?? human.id} is ${human.id}; saved to "${connection.name}".`);
  return human;
}

async function removeHuman(argument: unknown): Promise<boolean> {
  const ref = refOf(argument);
  const connection = await pickConnection(ref.connection, 'for the human');
  let id = ref.human ?? text(optionsOf(argument), 'human');
  id ??= (await vscode.window.showQuickPick(connection.humans.map((human) => ({ label: human.email ?? human.name ?? human.id, description: human.id, id: human.id })), { title: `Remove a human from ${connection.name}` }))?.id;
  if (!id) return false;
  const humans = connection.humans.filter((human) => human.id !== id);
  if (humans.length === connection.humans.length) throw new UserFacingError(`"${connection.name}" has no saved human ${id}`);
  await saveConnection({ ...connection, humans }, connectionTarget(connection.name) ?? 'user');
  return true;
}

async function startSandbox(services: Services, argument: unknown): Promise<SandboxInfo> {
  const options = optionsOf(argument);
  const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'AGBAC: starting the local sandbox' }, () =>
    services.sandbox.start({
      ...(text(options, 'clientSecret') ? { clientSecret: text(options, 'clientSecret') } : {}),
      ...(text(options, 'apiToken') ? { apiToken: text(options, 'apiToken') } : {}),
      ...(text(options, 'userPassword') ? { userPassword: text(options, 'userPassword') } : {}),
    }),
  );
  void vscode.window.showInformationMessage(
    `AGBAC: the local sandbox runs at ${info.orgUrl}. "${SANDBOX_CONNECTION}" is the active connection: request a token for Alice (allowed) or Bob (denied).`,
    'Request Token', 'Get Started',
  ).then(async (choice) => {
    if (choice === 'Request Token') await vscode.commands.executeCommand(COMMAND.requestToken);
    if (choice === 'Get Started') await vscode.commands.executeCommand(COMMAND.openWalkthrough);
  });
  return info;
}

async function stopSandbox(services: Services): Promise<boolean> {
  const stopped = await services.sandbox.stop();
  if (stopped) void vscode.window.showInformationMessage('AGBAC: the local sandbox stopped. Its connection stays; Start Local Sandbox brings it back (with a new port and new secrets).');
  return stopped;
}

/** The walkthrough step of a guide step ("Step 8.1 (aud)" → the token request). */
export function walkthroughStepOf(guideStep: string): string {
  const number = Number(/Step (\d+)/.exec(guideStep)?.[1] ?? NaN);
  if (number === 3) return 'credential';
  if (number >= 1 && number <= 5) return 'provision';
  if (number === 6 || number === 7) return 'human';
  if (number === 8) return 'token';
  if (number === 9) return 'verify';
  return 'doctor';
}

async function openGuideStep(guideStep: string): Promise<void> {
  // The workbench joins the two into the step's id (`<extension>#<walkthrough>#<step>`).
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', { category: WALKTHROUGH, step: walkthroughStepOf(guideStep) }, false);
}
