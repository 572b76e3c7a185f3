/**
 * The AGBAC sidebar from an empty profile, as a new user meets it: the welcome's two first steps;
 * Start Local Sandbox; the Connections tree (through the extension's API and as rendered); Request
 * Token for Alice (the inspector shows ALLOW with every check), for Bob (DENY with the reason),
 * and with a wrong secret (Okta's refusal with the project's advice); curl, audit event, doctor,
 * provisioning, a generated key pair; a hostile claim rendered as text; the inspector's state
 * across a reload; and last, a scan of every file the run wrote for a secret, a private key or a
 * whole token.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_IDS } from '../../src/sandbox';
import type { AgbacApi } from '../../src/vscode/extension';
import type { InspectorModel } from '../../src/vscode/model/inspector-protocol';
import type { RowSnapshot } from '../../src/vscode/tree';
import { closeAll, waitFor, workspaceUri } from './helpers';
import { filesUnder, leaksIn, PRIVATE_KEY, WHOLE_JWT } from './leaks';
import { fillSecret, page, query, queryUntil, screenshot } from './page';

const EXTENSION_ID = 'agbac.agbac-toolkit';
const SANDBOX = 'Sandbox';
/** The page's views: the activity bar container, and the inspector's webview. */
const CONTAINER = '[id="workbench.view.extension.agbac"]';
const TREE_ROWS = `${CONTAINER} .monaco-list-row`;
const SIDEBAR = '[id="workbench.parts.sidebar"]';

/** The side bar's width in pixels, as rendered. */
async function sidebarWidth(): Promise<number> {
  const [sidebar] = await query(SIDEBAR, { attributes: ['style'] });
  return Number(/width:\s*(\d+)px/.exec(sidebar?.attributes.style ?? '')?.[1] ?? 300);
}

/** A whole compact JWT: what must never be written anywhere. */

const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const CLIENT_SECRET = `flow-secret-${random(36)}`;
const API_TOKEN = `00flowtoken${random(24).replace(/[-_]/g, 'x')}`;
const WRONG_SECRET = `wrong-secret-${random(36)}`;

function row(rows: readonly RowSnapshot[], ...labels: string[]): RowSnapshot {
  let current: RowSnapshot | undefined;
  let level = rows;
  for (const label of labels) {
    current = level.find((candidate) => candidate.label === label || candidate.label.startsWith(label));
    assert.ok(current, `no row "${label}" among ${level.map((candidate) => candidate.label).join(', ')}`);
    level = current.children;
  }
  assert.ok(current);
  return current;
}

describe('the AGBAC sidebar, from an empty profile', function () {
  this.timeout(90_000);
  let api: AgbacApi;
  const config = () => vscode.workspace.getConfiguration('agbac');
  const model = (): InspectorModel => {
    const shown = api.inspectorModel();
    assert.ok(shown, 'the inspector shows nothing');
    return shown;
  };

  before(async () => {
    const extension = vscode.extensions.getExtension<AgbacApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await vscode.commands.executeCommand('agbac.connections.focus');
  });
  afterEach(async function () {
    // A failed test leaves a picture of the workbench as it was (out/screenshots/failed-*.png).
    const test = this.currentTest;
    if (test?.state === 'failed') await screenshot(`failed-${test.title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => undefined);
  });
  after(async () => {
    await vscode.commands.executeCommand('agbac.removeConnection', { connection: SANDBOX, confirmed: true });
    await vscode.commands.executeCommand('agbac.clearTokens');
    await closeAll();
  });

  it('offers the two first steps when there is no connection', async () => {
    assert.deepEqual(await api.connectionRows(), []);
    const welcome = await queryUntil(`${CONTAINER} .welcome-view-content`, (found) => found.some((element) => element.text.includes('Start the local sandbox')));
    const text = welcome.map((element) => element.text).join('\n');
    assert.match(text, /Start the local sandbox/);
    assert.match(text, /Add an Okta connection/);
  });

  it('starts the sandbox with one command: an active Sandbox connection whose secrets are not in settings', async () => {
    const info = await vscode.commands.executeCommand<{ orgUrl: string; issuer: string; clientId: string }>('agbac.startSandbox', { clientSecret: CLIENT_SECRET, apiToken: API_TOKEN });
    assert.ok(info);
    assert.match(info.orgUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(api.sandbox()?.running, true);
    assert.equal(config().get('activeConnection'), SANDBOX);
    const stored = JSON.stringify(config().inspect('connections')?.globalValue);
    assert.match(stored, new RegExp(`"orgUrl":"${info.orgUrl}"`));
    assert.ok(!stored.includes(CLIENT_SECRET) && !stored.includes(API_TOKEN), 'a secret is in the settings');
  });

  it('shows the connection in the tree, through the API and as rendered', async () => {
    const rows = await api.connectionRows();
    assert.deepEqual(rows.map((candidate) => candidate.label), [SANDBOX]);
    const sandbox = row(rows, SANDBOX);
    assert.match(sandbox.description ?? '', /^active · sandbox running · 127\.0\.0\.1:\d+$/);
    assert.equal(sandbox.contextValue, 'connection.active.sandbox.running');
    assert.deepEqual(sandbox.children.map((child) => child.label), ['Authorization server', 'Scopes', 'Agent app', 'Management API token', 'Humans', 'Doctor', 'Recent tokens']);
    assert.equal(row(rows, SANDBOX, 'Authorization server').description, DEFAULT_IDS.authServerId);
    assert.match(row(rows, SANDBOX, 'Authorization server', 'Issuer').description ?? '', new RegExp(`/oauth2/${DEFAULT_IDS.authServerId}$`));
    assert.equal(row(rows, SANDBOX, 'Authorization server', 'Audience').description, DEFAULT_IDS.audience);
    assert.equal(row(rows, SANDBOX, 'Scopes').description, 'finance.read');
    assert.equal(row(rows, SANDBOX, 'Agent app', 'Client id').description, DEFAULT_IDS.clientId);
    assert.equal(row(rows, SANDBOX, 'Agent app', 'Authentication').description, 'client_secret_jwt');
    assert.equal(row(rows, SANDBOX, 'Agent app', 'Client secret').description, 'stored');
    assert.equal(row(rows, SANDBOX, 'Management API token').description, 'stored');
    assert.deepEqual(row(rows, SANDBOX, 'Humans').children.map((human) => [human.label, human.description]), [[DEFAULT_IDS.aliceLogin, DEFAULT_IDS.alice], [DEFAULT_IDS.bobLogin, DEFAULT_IDS.bob]]);
    assert.equal(row(rows, SANDBOX, 'Doctor').description, 'not run');

    const rendered = await queryUntil(TREE_ROWS, (found) => found.some((element) => element.text.includes(DEFAULT_IDS.bobLogin)), { attributes: ['aria-level', 'aria-expanded'] });
    const lines = rendered.map((element) => element.text.replace(/\s+/g, ' ').trim());
    for (const expected of [SANDBOX, 'Authorization server', 'Scopes', 'Agent app', 'Humans', DEFAULT_IDS.aliceLogin, DEFAULT_IDS.bobLogin, 'Doctor', 'Recent tokens']) {
      assert.ok(lines.some((line) => line.includes(expected)), `no rendered row shows "${expected}": ${lines.join(' | ')}`);
    }
    const top = rendered.find((element) => element.text.includes(SANDBOX));
    assert.equal(top?.attributes['aria-level'], '1');
    assert.equal(top?.attributes['aria-expanded'], 'true');
  });

  it('requests a token for Alice: the inspector shows ALLOW with every check passed', async () => {
    const result = await vscode.commands.executeCommand<{ kind: string; decision: string; reasons: string[]; tokenId: string }>('agbac.requestToken', { human: DEFAULT_IDS.alice });
    assert.equal(result?.kind, 'token', JSON.stringify(api.lastError()));
    assert.equal(result.decision, 'ALLOW');
    assert.deepEqual(result.reasons, []);

    const shown = model();
    assert.equal(shown.decision, 'ALLOW');
    const rows = shown.checklist.flatMap((group) => group.rows);
    assert.ok(rows.length >= 25, `${rows.length} checks`);
    assert.deepEqual(rows.filter((check) => check.status !== 'pass').map((check) => `${check.code} ${check.status}: ${check.text}`), []);
    assert.equal(shown.roundTrip.status, 'pass');
    assert.deepEqual(shown.subjects.map((subject) => [subject.role, subject.id]), [['agent', DEFAULT_IDS.clientId], ['human', DEFAULT_IDS.alice]]);
    assert.ok(!JSON.stringify(shown).match(WHOLE_JWT), 'the view model holds a whole token');

    const webview = { webview: EXTENSION_ID };
    await queryUntil('[data-decision]', (found) => found[0]?.attributes['data-decision'] === 'ALLOW', { ...webview, attributes: ['data-decision'] });
    const checks = await query('li.check', { ...webview, attributes: ['data-code', 'data-status'] });
    assert.equal(checks.length, rows.length);
    assert.deepEqual(checks.filter((check) => check.attributes['data-status'] !== 'pass').map((check) => check.text), []);
    const trip = await query('#roundtrip', { ...webview, attributes: ['data-status'] });
    assert.equal(trip[0]?.attributes['data-status'], 'pass');

    const tokens = row(await api.connectionRows(), SANDBOX, 'Recent tokens').children;
    assert.equal(tokens.length, 1);
    assert.match(tokens[0]?.label ?? '', new RegExp(`^${DEFAULT_IDS.aliceLogin} · finance\\.read$`));
    assert.match(tokens[0]?.description ?? '', /^ALLOW · expires in (\d+:)?\d+:\d\d$/);
    assert.match(api.statusBarText(), /Sandbox \$\(key\) \d+:\d\d$/);
  });

  it('requests a token for Bob: DENY, because he is not in FinanceUsers', async () => {
    const result = await vscode.commands.executeCommand<{ kind: string; decision: string; reasons: string[] }>('agbac.requestToken', { human: DEFAULT_IDS.bob });
    assert.equal(result?.kind, 'token');
    assert.equal(result.decision, 'DENY');
    assert.deepEqual(result.reasons, ['AGBAC115 human-not-approved']);
    const failed = model().checklist.flatMap((group) => group.rows).filter((check) => check.status === 'fail');
    assert.deepEqual(failed.map((check) => check.code), ['AGBAC115']);
    assert.match(failed[0]?.text ?? '', new RegExp(`The human "${DEFAULT_IDS.bob}" is not approved: not a member of the group "FinanceUsers"`));
    const webview = { webview: EXTENSION_ID };
    await queryUntil('[data-decision]', (found) => found[0]?.attributes['data-decision'] === 'DENY', { ...webview, attributes: ['data-decision'] });
    const denied = await query('li.check[data-status="fail"]', { ...webview, attributes: ['data-code'] });
    assert.deepEqual(denied.map((check) => check.attributes['data-code']), ['AGBAC115']);
    assert.match(denied[0]?.text ?? '', /not a member of the group "FinanceUsers"/);
  });

  it('with a wrong client secret: the refusal, with the advice and its guide step', async () => {
    assert.equal(await vscode.commands.executeCommand('agbac.setSecret', { connection: SANDBOX, kind: 'clientSecret', value: WRONG_SECRET }), true);
    try {
      const result = await vscode.commands.executeCommand<{ kind: string; error: string; description: string; fix: string; guideStep: string }>('agbac.requestToken', { human: DEFAULT_IDS.alice });
      assert.equal(result?.kind, 'refused');
      assert.equal(result.error, 'invalid_client');
      assert.equal(result.description, 'The client_assertion signature is invalid.');
      assert.match(result.fix, /sign with the app's current client secret/);
      assert.equal(result.guideStep, 'Step 3 (client authentication)');
      const shown = api.lastError();
      assert.match(shown?.message ?? '', /Sandbox refused the token request: invalid_client \(The client_assertion signature is invalid\.\)\. .*Fix: /);
      assert.deepEqual(shown?.next, ['Guide: Step 3 (client authentication)', 'Run Doctor', 'Show Log']);
      // Notifications reach the notification centre (this workbench shows no toasts under test).
      await vscode.commands.executeCommand('notifications.showList');
      const toasts = await queryUntil('.notifications-center .notification-list-item', (found) => found.some((toast) => toast.text.includes('refused the token request')));
      await vscode.commands.executeCommand('notifications.hideList');
      assert.ok(toasts.some((toast) => /Fix: .*client secret/.test(toast.text) && toast.text.includes('Run Doctor')), toasts.map((toast) => toast.text).join(' | '));
    } finally {
      assert.equal(await vscode.commands.executeCommand('agbac.setSecret', { connection: SANDBOX, kind: 'clientSecret', value: CLIENT_SECRET }), true);
    }
  });

  it('copies the token request as curl: the secret is an environment variable reference, never its value', async () => {
    const text = await vscode.commands.executeCommand<string>('agbac.copyTokenRequestAsCurl', { connection: SANDBOX, human: DEFAULT_IDS.alice });
    assert.ok(text);
    assert.equal(await vscode.env.clipboard.readText(), text);
    assert.match(text, /--secret-env AGBAC_CLIENT_SECRET/);
    assert.match(text, /curl .* --request POST '.*\/oauth2\/aus\w+\/v1\/token'/);
    assert.ok(!text.includes(CLIENT_SECRET) && !text.includes(WRONG_SECRET));
  });

  it('verifies the current token and exports its audit event, which names people by id only', async () => {
    const verification = await vscode.commands.executeCommand<{ decision: string }>('agbac.verifyToken');
    assert.equal(verification?.decision, 'DENY');
    const audit = await vscode.commands.executeCommand<Record<string, unknown>>('agbac.exportAuditEvent');
    assert.equal(audit?.decision, 'DENY');
    assert.equal(audit.human_id, DEFAULT_IDS.bob);
    assert.equal(audit.agent_id, DEFAULT_IDS.clientId);
    assert.deepEqual(audit.reasons, ['AGBAC115 human-not-approved']);
    const shownText = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.equal((JSON.parse(shownText) as Record<string, unknown>).correlation_id, audit.correlation_id);
    assert.ok(!shownText.includes('@'), 'the audit event holds an email');
  });

  it('runs the doctor: one row per check in the tree, and a report', async () => {
    const result = await vscode.commands.executeCommand<{ passed: number; failed: number; checks: { id: string; status: string }[] }>('agbac.runDoctor', { connection: SANDBOX });
    assert.ok(result);
    assert.equal(result.failed, 0, JSON.stringify(result.checks.filter((check) => check.status === 'fail')));
    const doctor = row(await api.connectionRows(), SANDBOX, 'Doctor');
    assert.match(doctor.description ?? '', new RegExp(`^${result.passed} passed, 0 failed, \\d+ skipped · `));
    assert.equal(doctor.children.length, result.checks.length);
    assert.deepEqual([...new Set(doctor.children.map((check) => check.icon))].sort(), result.checks.some((check) => check.status === 'skip') ? ['circle-slash', 'pass'] : ['pass']);
    assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /^# AGBAC doctor: Sandbox\n/);
  });

  it('plans provisioning: nothing to change on the guide\'s org', async () => {
    const plan = await vscode.commands.executeCommand<{ changes: unknown[]; applied: boolean }>('agbac.provisionDryRun', { connection: SANDBOX });
    assert.deepEqual(plan, { changes: [], notes: [], applied: false });
  });

  it('adds a connection step by step, picking the server, app and scopes the org lists', async () => {
    const widget = '.quick-input-widget';
    const step = (expected: RegExp) => queryUntil(widget, (found) => found.some((element) => expected.test(element.text)));
    const input = `${widget} .quick-input-box input`;
    const type = async (text: string) => {
      await page({ action: 'fill', selector: input, text });
      await page({ action: 'press', key: 'Enter' });
    };
    const typeSecret = async (secret: string) => {
      await fillSecret(input, secret);
      await page({ action: 'press', key: 'Enter' });
    };
    const enter = () => page({ action: 'press', key: 'Enter' });
    const orgUrl = api.sandbox()?.orgUrl ?? '';
    const added = vscode.commands.executeCommand<string>('agbac.addConnection');
    await step(/The Okta org URL/);
    await type(orgUrl);
    await step(/Management API token/);
    await typeSecret(API_TOKEN);
    await step(/AGBAC-AS[\s\S]*aus123abc456[\s\S]*audience https:\/\/api\.example\.com\/finance/);
    await enter();
    await step(/Finance Agent[\s\S]*0oa123abc456xyz[\s\S]*client_secret_jwt/);
    await enter();
    await step(/client_secret_jwtHS256 assertions/);
    await enter();
    await step(/finance\.read[\s\S]*finance\.write/);
    await page({ action: 'click', selector: `${widget} .monaco-list-row[aria-label^="finance.read"]` });
    await enter();
    await step(/The Okta group/);
    await type(DEFAULT_IDS.financeGroup);
    await step(/A name for this connection/);
    await type('Wizard');
    await step(/User settings[\s\S]*Workspace settings/);
    await enter();
    await step(/The client secret of/);
    await typeSecret(CLIENT_SECRET);
    assert.equal(await added, 'Wizard');
    try {
      const saved = (config().inspect<Record<string, unknown>[]>('connections')?.globalValue ?? []).find((entry) => entry.name === 'Wizard');
      assert.deepEqual(saved, {
        name: 'Wizard', orgUrl, authServerId: DEFAULT_IDS.authServerId, apiAudience: DEFAULT_IDS.audience, clientId: DEFAULT_IDS.clientId,
        authMethod: 'client_secret_jwt', scopes: ['finance.read'], group: DEFAULT_IDS.financeGroup,
      });
      const rows = await api.connectionRows();
      assert.equal(row(rows, 'Wizard', 'Management API token').description, 'stored');
      assert.equal(row(rows, 'Wizard', 'Agent app', 'Client secret').description, 'stored');
      const result = await vscode.commands.executeCommand<{ kind: string; decision: string }>('agbac.requestToken', { connection: 'Wizard', human: DEFAULT_IDS.aliceLogin });
      assert.deepEqual([result?.kind, result?.decision], ['token', 'ALLOW']);
    } finally {
      await vscode.commands.executeCommand('agbac.removeConnection', { connection: 'Wizard', confirmed: true });
    }
    assert.deepEqual((await api.connectionRows()).map((candidate) => candidate.label), [SANDBOX]);
  });

  it('generates an ES256 key pair, registers its public key by provisioning, and gets a token with it', async () => {
    const keys = await vscode.commands.executeCommand<{ kid: string; alg: string; publicJwk: Record<string, unknown> }>('agbac.generateKeyPair', { connection: SANDBOX, alg: 'ES256', then: 'none' });
    assert.ok(keys);
    assert.equal(keys.alg, 'ES256');
    assert.equal(keys.publicJwk.kid, keys.kid);
    assert.equal(keys.publicJwk.d, undefined);
    const connection = () => (config().get<Record<string, unknown>[]>('connections') ?? []).find((entry) => entry.name === SANDBOX);
    assert.equal(connection()?.authMethod, 'private_key_jwt');
    assert.equal(connection()?.kid, keys.kid);
    const applied = await vscode.commands.executeCommand<{ changes: { action: string; target: string; detail: string }[]; applied: boolean }>('agbac.provision', { connection: SANDBOX, confirmed: true });
    assert.equal(applied?.applied, true);
    assert.deepEqual(applied.changes.map((change) => `${change.action} ${change.target}`), ['update app Finance Agent']);
    assert.match(applied.changes[0]?.detail ?? '', new RegExp(`client authentication client_secret_jwt → private_key_jwt; register public key ${keys.kid}`));
    const result = await vscode.commands.executeCommand<{ kind: string; decision: string }>('agbac.requestToken', { human: DEFAULT_IDS.alice });
    assert.equal(result?.kind, 'token', JSON.stringify(api.lastError()));
    assert.equal(result.decision, 'ALLOW');
  });

  it('pictures the sidebar and the inspector for the README', async () => {
    // The tree with the doctor's checks and the recent tokens open, the inspector on Alice's ALLOW.
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('agbac.connections.focus');
    await page({ action: 'drag-edge', selector: SIDEBAR, dx: 560 - (await sidebarWidth()) });
    await queryUntil('[data-decision]', (found) => found[0]?.attributes['data-decision'] === 'ALLOW', { webview: EXTENSION_ID, attributes: ['data-decision'] });
    // Everything folded, then the current token's row shown (Inspect Token reveals it in the tree).
    await vscode.commands.executeCommand('workbench.actions.treeView.agbac.connections.collapseAll');
    await vscode.commands.executeCommand('agbac.inspectToken', { tokenId: model().tokenId });
    await queryUntil(TREE_ROWS, (found) => found.some((element) => /ALLOW · expires in/.test(element.text)));
    await screenshot('sidebar.png', [`${CONTAINER} .monaco-list-row`], SIDEBAR);
    // The inspector alone: the tree folded away.
    const header = { action: 'click', selector: `${CONTAINER} .pane-header[aria-label^="Connections"]`, position: { x: 40, y: 10 } };
    await page(header);
    await screenshot('inspector.png', [], SIDEBAR);
    await page(header);
  });

  it('follows the dark and high-contrast themes', async () => {
    const workbench = vscode.workspace.getConfiguration('workbench');
    try {
      for (const [theme, kind] of [['Default Dark Modern', 'vscode-dark'], ['Default High Contrast', 'vscode-high-contrast']] as const) {
        await workbench.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        await queryUntil('body', (found) => (found[0]?.attributes.class ?? '').split(' ').includes(kind), { webview: EXTENSION_ID, attributes: ['class'] });
      }
      await screenshot('inspector-high-contrast.png', [], SIDEBAR);
    } finally {
      await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('has a walkthrough of the guide\'s steps: a refusal opens its step, a button runs its command and completes it', async () => {
    // Where the wrong secret's advice points (Step 8.1): the token request's step, opened.
    await vscode.commands.executeCommand('agbac.openGuideStep', 'Step 8.1 (aud)');
    const step = (id: string) => `.getting-started-step[data-step-id="${EXTENSION_ID}#agbac.setup#${id}"]`;
    const steps = await queryUntil('.getting-started-step', (found) => found.length === 7 && found.some((element) => element.attributes['aria-expanded'] === 'true' && element.attributes['data-step-id']?.endsWith('#token') === true), {
      attributes: ['data-step-id', 'aria-checked', 'aria-expanded'],
    });
    assert.deepEqual(steps.map((element) => element.attributes['data-step-id']?.split('#').at(-1)), ['sandbox', 'provision', 'credential', 'human', 'doctor', 'token', 'verify']);
    assert.match(steps[5]?.text ?? '', /Step 8: request a token for Alice[\s\S]*Request Token/);
    // A person clicks the doctor step, then its button: the doctor runs on the active connection and the step is done.
    const before = api.connectionRows().then((rows) => row(rows, SANDBOX, 'Doctor').description);
    await page({ action: 'click', selector: step('doctor') });
    await page({ action: 'click', selector: `${step('doctor')} >> text=Run Doctor` });
    await waitFor(async () => (row(await api.connectionRows(), SANDBOX, 'Doctor').description !== (await before) ? true : undefined), 'a new doctor run');
    await waitFor(() => (vscode.window.activeTextEditor?.document.getText().startsWith('# AGBAC doctor') ? true : undefined), 'the doctor\'s report');
    // The doctor's report took the editor; back on the walkthrough, its step is checked.
    await vscode.commands.executeCommand('agbac.openWalkthrough');
    await queryUntil(step('doctor'), (found) => found[0]?.attributes['aria-checked'] === 'true', { attributes: ['aria-checked'] });

    await page({ action: 'click', selector: step('token') });
    await screenshot('walkthrough.png', [step('token')]);
  });

  it('renders a claim holding HTML or a javascript: URL as text', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const hostile = {
      iss: 'https://evil.example/<script>alert(1)</script>',
      sub: DEFAULT_IDS.clientId,
      cid: DEFAULT_IDS.clientId,
      scp: ['finance.read'],
      act: { sub: DEFAULT_IDS.alice, name: '<img src=x onerror="document.title=1">Alice' },
      website: 'javascript:alert(document.cookie)',
      '<b onclick=alert(1)>claim</b>': '<a href="javascript:alert(1)">click</a>',
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const token = `${encode({ alg: 'RS256', kid: '<svg onload=alert(1)>' })}.${encode(hostile)}.c2ln`;
    const id = await vscode.commands.executeCommand<string>('agbac.inspectToken', token);
    assert.ok(id);
    const webview = { webview: EXTENSION_ID };
    const values = await queryUntil('#payload-claims td.value code', (found) => found.some((cell) => cell.text.includes('javascript:alert(document.cookie)')), webview);
    assert.ok(values.some((cell) => cell.text === JSON.stringify(hostile.act)), values.map((cell) => cell.text).join(' | '));
    assert.ok(values.some((cell) => cell.text === '"<a href=\\"javascript:alert(1)\\">click</a>"'));
    const names = await query('#payload-claims th code', webview);
    assert.ok(names.some((cell) => cell.text === '<b onclick=alert(1)>claim</b>'));
    const title = await query('#summary h2', webview);
    assert.equal(title[0]?.text, 'Access token for <img src=x onerror="document.title=1">Alice');
    assert.deepEqual(await query('main img, main svg, main iframe, main object, main embed, main a, main b, main [onerror], main [onclick], main [onload], main [href], main [src]', webview), []);
    // The page's own script, with its nonce; VS Code's own (acquireVsCodeApi) is inline; nothing else.
    const scripts = await query('script[src]', { ...webview, attributes: ['src', 'nonce'] });
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]?.attributes.src ?? '', /\/dist\/webview\/inspector\.js$/);
    assert.match(scripts[0]?.attributes.nonce ?? '', /^[\w+/=]{24}$/);
  });

  it('after the view reloads, shows the last token again without keeping it (actions off)', async () => {
    await vscode.commands.executeCommand('agbac.requestToken', { human: DEFAULT_IDS.alice });
    await queryUntil('[data-decision]', (found) => found[0]?.attributes['data-decision'] === 'ALLOW', { webview: EXTENSION_ID, attributes: ['data-decision'] });
    const stored = api.inspectorState();
    assert.equal(stored?.model?.decision, 'ALLOW');
    // Hide the view (its page is disposed), forget every token, show it again.
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(async () => ((await query('[data-decision]', { webview: EXTENSION_ID })).length === 0 ? true : undefined), 'the inspector page to go');
    await vscode.commands.executeCommand('agbac.clearTokens');
    await vscode.commands.executeCommand('agbac.inspector.focus');
    const restored = await queryUntil('[data-decision]', (found) => found.length === 1, { webview: EXTENSION_ID, attributes: ['data-decision'] });
    assert.equal(restored[0]?.attributes['data-decision'], 'ALLOW');
    assert.equal((await query('.stale', { webview: EXTENSION_ID })).length, 1);
    const buttons = await query('.summary button', { webview: EXTENSION_ID, attributes: ['disabled'] });
    assert.ok(buttons.length >= 4 && buttons.every((button) => button.attributes.disabled !== null), 'an action is on without a token');
    assert.ok(!JSON.stringify(api.inspectorState()).match(WHOLE_JWT));
    await vscode.commands.executeCommand('agbac.connections.focus');
  });

  it('leaves no secret, private key or whole token in settings, logs, output, webview state or temporary files', async () => {
    // The bridge gives this run one temporary root: code-server's user data (settings, logs,
    // state databases), the extensions folder, HOME, XDG folders, TMPDIR and Chromium's profile.
    const runRoot = dirname(tmpdir());
    const files = [...filesUnder(runRoot), ...filesUnder(workspaceUri('.vscode').fsPath)];
    assert.ok(files.some((file) => file.endsWith(join('User', 'settings.json'))), 'the user settings file is not under the run root');
    assert.ok(files.some((file) => /AGBAC\.log$/.test(file)), 'the AGBAC log file is not under the run root');
    const secrets = [CLIENT_SECRET, API_TOKEN, WRONG_SECRET];
    // The scan finds what it looks for: a planted file with a secret and a whole token is caught.
    const planted = join(tmpdir(), 'agbac-planted-leak.txt');
    writeFileSync(planted, `${CLIENT_SECRET}\neyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMG91MTIzIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU\n`);
    try {
      assert.deepEqual(leaksIn([planted], secrets), [`${planted}: a secret, near ""`, `${planted}: a whole JWT (eyJhbGciOiJIUzI1NiJ9.eyJ…)`]);
    } finally {
      rmSync(planted);
    }
    const leaks = leaksIn(files, secrets);
    assert.deepEqual(leaks, []);
    const state = JSON.stringify(api.inspectorState());
    assert.ok(!WHOLE_JWT.test(state) && !PRIVATE_KEY.test(state) && !secrets.some((secret) => state.includes(secret)));
    const log = files.filter((file) => /AGBAC\.log$/.test(file)).map((file) => readFileSync(file, 'utf8')).join('\n');
    assert.match(log, new RegExp(`Sandbox issued a token for ${DEFAULT_IDS.alice} \\(finance\\.read\\): eyJ[\\w-]{5}…[\\w-]{6}`));
    assert.ok(!log.includes(DEFAULT_IDS.aliceLogin), 'the log names a person by email');
  });
});
