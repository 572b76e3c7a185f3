/**
 * Run Doctor and Provision Okta in the editor: the doctor's checks land in the Connections tree
 * and in a report document; provisioning shows its plan first and applies it only after a modal
 * confirmation (the dry run stops at the plan). Both show progress and can be cancelled.
 */
import * as vscode from 'vscode';
import { type Connection, InputError, isRecord, type SigningCredential } from '../core';
import type { Check } from '../okta/checks';
import type { ProvisionResult, ProvisionSpec } from '../okta/provision';
import { registerCommand, UserFacingError } from './command';
import { publicJwkOf } from './connection-commands';
import { pickConnection, requireLiveSandbox, savedHuman, signingCredential } from './connections';
import { log } from './log';
import { management, orgFor } from './management';
import { doctorReport, provisionReport } from './model/reports';
import { COMMAND, type Services } from './services';
import { sessionScopes } from './sign-in';
import { connectionTarget, saveConnection } from './settings';
import { nowSeconds } from './state';
import { refOf } from './tree';

export interface DoctorResult {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly checks: readonly Check[];
}

export interface ProvisionOutcome {
  readonly changes: ProvisionResult['changes'];
  readonly notes: ProvisionResult['notes'];
  readonly applied: boolean;
}

const TIMEOUT_MS = 15_000;

export function registerOktaCommands(services: Services): vscode.Disposable[] {
  return [
    registerCommand(COMMAND.runDoctor, (argument?: unknown) => runDoctorCommand(services, argument)),
    registerCommand(COMMAND.provision, (argument?: unknown) => provisionCommand(services, argument, false)),
    registerCommand(COMMAND.provisionDryRun, (argument?: unknown) => provisionCommand(services, argument, true)),
  ];
}

/** Runs `work` under a cancellable notification; resolves undefined when cancelled (the work's result is then dropped). */
async function cancellable<T>(title: string, work: () => Promise<T>): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, cancellation) =>
    new Promise<T | undefined>((resolve, reject) => {
      const subscription = cancellation.onCancellationRequested(() => {
        subscription.dispose();
        resolve(undefined);
      });
      work().then(
        (value) => {
          subscription.dispose();
          resolve(value);
        },
        (error: unknown) => {
          subscription.dispose();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }),
  );
}

async function openMarkdown(content: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: false });
}

async function runDoctorCommand(services: Services, argument: unknown): Promise<DoctorResult | undefined> {
  const connection = await pickConnection(refOf(argument).connection, 'to check');
  requireLiveSandbox(connection, services.state);
  const org = await orgFor(connection, services.secrets, 'The doctor');
  // Without a credential the live probe is skipped; the doctor says so.
  const credential: SigningCredential | undefined = await signingCredential(connection, services.secrets).catch(() => undefined);
  const requested = isRecord(argument) && typeof argument.human === 'string' ? argument.human : undefined;
  const human = requested ? savedHuman(connection, requested) ?? { id: requested } : connection.humans[0];
  const { runDoctor } = await management();
  // For token exchange the doctor exchanges the signed-in person's token when there is a session (it never signs anyone in itself).
  const exchange = connection.actDelivery === 'token-exchange';
  const session = exchange ? (await services.signIn.getSessions(sessionScopes(connection, connection.scopes)))[0] : undefined;
  const checks = await cancellable(`AGBAC: checking ${connection.name} against the setup guide`, () =>
    runDoctor({
      org,
      connection,
      ...(credential ? { credential } : {}),
      ...(human ? { human } : {}),
      ...(connection.actDelivery === 'inline-hook' ? { actVia: 'hook' as const, ...(connection.hookUrl ? { hookUrl: connection.hookUrl } : {}) } : {}),
      ...(exchange ? { actVia: 'token-exchange' as const, ...(session ? { subjectToken: session.accessToken } : {}) } : {}),
      timeoutMs: TIMEOUT_MS,
    }),
  );
  if (!checks) {
    log.info('doctor', `the doctor run on ${connection.name} was cancelled`);
    return undefined;
  }
  const at = nowSeconds();
  services.state.setDoctor(connection.name, { checks, at });
  void services.tree.reveal(`c:${connection.name}/doctor`, { expand: true });
  const count = (status: Check['status']) => checks.filter((check) => check.status === status).length;
  const result: DoctorResult = { passed: count('pass'), failed: count('fail'), skipped: count('skip'), checks };
  log.info('doctor', `${connection.name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
  await openMarkdown(doctorReport(connection, checks, human?.id, at));
  if (result.failed) {
    void vscode.window.showWarningMessage(
      `AGBAC: the doctor found ${result.failed} problem${result.failed === 1 ? '' : 's'} in ${connection.name}; each says why and how to fix it (the report, and the Doctor row of the AGBAC view). Provisioning fixes the org-side ones.`,
      'Provision Okta (plan)',
    ).then(async (choice) => {
      if (choice) await vscode.commands.executeCommand(COMMAND.provisionDryRun, { connection: connection.name });
    });
  } else {
    void vscode.window.showInformationMessage(`AGBAC: ${connection.name} passes every check of the doctor (${result.passed} passed, ${result.skipped} skipped).`);
  }
  return result;
}

async function specFor(services: Services, connection: Connection): Promise<ProvisionSpec> {
  let audience = connection.apiAudience;
  if (!audience) {
    audience = (await vscode.window.showInputBox({
      title: `Provision ${connection.name}: the API audience`,
      prompt: 'The audience of the authorization server (the API its tokens are for), needed to create the server',
      placeHolder: 'https://api.example.com/finance',
      ignoreFocusOut: true,
    }))?.trim();
    if (!audience) throw new UserFacingError('provisioning needs the API audience: enter it, or set it with Edit Connection');
  }
  let publicJwk;
  if (connection.authMethod === 'private_key_jwt') {
    const privateKey = await services.secrets.get(connection, 'privateKey');
    if (!privateKey) {
      throw new UserFacingError(`"${connection.name}" signs with a private key, but none is stored: generate a key pair first (its public key is what provisioning registers)`, {
        next: [{ title: 'Generate Key Pair', command: COMMAND.generateKeyPair, args: [{ connection: connection.name }] }],
      });
    }
    publicJwk = publicJwkOf(privateKey, connection.kid);
  }
  return {
    authServerId: connection.authServerId,
    audience,
    scopes: connection.scopes.length ? connection.scopes : ['finance.read'],
    authMethod: connection.authMethod,
    clientId: connection.clientId,
    ...(publicJwk ? { publicJwk } : {}),
    ...pathSpec(connection),
  };
}

/** The connection's issuance path as provisioning takes it: the hook it runs, or the app people sign in with. */
function pathSpec(connection: Connection): Pick<ProvisionSpec, 'actVia' | 'hook' | 'signIn'> {
  if (connection.actDelivery === 'inline-hook') {
    if (!connection.hookUrl) throw new UserFacingError(`"${connection.name}" takes act from a token inline hook but has no hook URL: set it with Edit Connection`);
    return { actVia: 'hook', hook: { url: connection.hookUrl } };
  }
  if (connection.actDelivery === 'token-exchange') {
    return {
      actVia: 'token-exchange',
      signIn: { ...(connection.signInClientId ? { clientId: connection.signInClientId } : {}), ...(connection.signInRedirectUri ? { redirectUri: connection.signInRedirectUri } : {}) },
    };
  }
  return {};
}

/**
 * Registering a token inline hook needs the secret Okta will send it, which the editor does not
 * keep: the CLI registers it (and writes the secret for \`agbac hook serve\`); afterwards the editor
 * finds the hook by its URL and attaches it.
 */
function hookSecretNeeded(error: unknown): never {
  if (error instanceof InputError && /Authorization secret/.test(error.message)) {
    throw new UserFacingError('the token inline hook is not registered with the org yet: register it once with agbac provision --act-via hook --hook-url URL --hook-secret-out FILE (the secret goes to agbac hook serve), then provision here again');
  }
  throw error;
}

async function provisionCommand(services: Services, argument: unknown, dryRun: boolean): Promise<ProvisionOutcome | undefined> {
  const connection = await pickConnection(refOf(argument).connection, 'to provision');
  requireLiveSandbox(connection, services.state);
  const org = await orgFor(connection, services.secrets, 'Provisioning');
  const spec = await specFor(services, connection);
  const { provision } = await management();
  const plan = await cancellable(`AGBAC: planning the changes to ${connection.name}`, () => provision(org, spec, { dryRun: true }).catch(hookSecretNeeded));
  if (!plan) return undefined;
  await openMarkdown(provisionReport(connection, plan.changes, plan.notes, false));
  if (plan.changes.length === 0) {
    void vscode.window.showInformationMessage(`AGBAC: nothing to change: ${connection.name} already matches the setup guide.`);
    return { changes: [], notes: plan.notes, applied: false };
  }
  if (dryRun) {
    void vscode.window.showInformationMessage(`AGBAC: the plan for ${connection.name} has ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} (in the editor); nothing was changed.`, 'Apply…').then(async (choice) => {
      if (choice) await vscode.commands.executeCommand(COMMAND.provision, { connection: connection.name });
    });
    return { changes: plan.changes, notes: plan.notes, applied: false };
  }
  if (!(isRecord(argument) && argument.confirmed === true)) {
    const choice = await vscode.window.showWarningMessage(
      `Apply ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to ${connection.orgUrl}?`,
      { modal: true, detail: plan.changes.map((change) => `${change.action} ${change.target}: ${change.detail}`).join('\n') },
      'Apply',
    );
    if (choice !== 'Apply') return { changes: plan.changes, notes: plan.notes, applied: false };
  }
  const result = await cancellable(`AGBAC: provisioning ${connection.name}`, () => provision(org, spec, { dryRun: false }));
  if (!result) return undefined;
  const updated: Connection = {
    ...connection,
    ...(result.authServerId ? { authServerId: result.authServerId } : {}),
    ...(result.clientId ? { clientId: result.clientId } : {}),
    ...(result.signInClientId ? { signInClientId: result.signInClientId } : {}),
    ...(result.signInRedirectUri ? { signInRedirectUri: result.signInRedirectUri } : {}),
    apiAudience: spec.audience,
  };
  await saveConnection(updated, connectionTarget(connection.name) ?? 'user');
  // A newly created app's secret: straight to SecretStorage, never shown.
  if (result.clientSecret) await services.secrets.store(updated, 'clientSecret', result.clientSecret);
  log.info('provision', `${connection.name}: ${result.changes.map((change) => `${change.action} ${change.target}`).join('; ')}`);
  await openMarkdown(provisionReport(updated, result.changes, result.notes, true));
  void vscode.window.showInformationMessage(`AGBAC: ${result.changes.length} change${result.changes.length === 1 ? '' : 's'} made to ${connection.name}. Run the doctor to check every step.`, 'Run Doctor').then(async (choice) => {
    if (choice) await vscode.commands.executeCommand(COMMAND.runDoctor, { connection: updated.name });
  });
  return { changes: result.changes, notes: result.notes, applied: true };
}
