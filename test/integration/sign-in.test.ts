/**
 * Delegation a person gave, in the real VS Code: a connection whose human comes from token
 * exchange; Request Token signs the person in through Okta (AGBAC) (the sandbox's sign-in page,
 * driven by Playwright in another tab, then the loopback redirect back to the extension host),
 * exchanges their token as the agent, and the inspector shows both subjects and the chain. Then a
 * YAML delegation policy with a mistake gets its diagnostic, and nothing secret was written.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_IDS } from '../../src/sandbox';
import type { AgbacApi } from '../../src/vscode/extension';
import type { InspectorModel } from '../../src/vscode/model/inspector-protocol';
import { closeAll, waitFor } from './helpers';
import { filesUnder, leaksIn, WHOLE_JWT } from './leaks';
import { page, query, queryUntil, screenshot } from './page';

const EXTENSION_ID = 'agbac.agbac-toolkit';
const SANDBOX = 'Sandbox';
const SIGN_IN_TAB = 'signin';
const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const CLIENT_SECRET = `exchange-secret-${random(36)}`;
const API_TOKEN = `00exchangetoken${random(24).replace(/[-_]/g, 'x')}`;
const PASSWORD = `dev-${random(18)}`;

/** Types into the sign-in tab; a password travels in a file the bridge deletes, never in a request line. */
async function fill(selector: string, text: string, secret = false): Promise<void> {
  if (!secret) {
    await page({ action: 'fill', page: SIGN_IN_TAB, selector, text });
    return;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'agbac-fill-')), 'text');
  writeFileSync(file, text, { mode: 0o600 });
  await page({ action: 'fill', page: SIGN_IN_TAB, selector, textFile: file });
}

describe('delegation a person gave: sign-in, token exchange, the chain in the inspector', function () {
  this.timeout(120_000);
  let api: AgbacApi;
  const config = () => vscode.workspace.getConfiguration('agbac');

  before(async () => {
    const extension = vscode.extensions.getExtension<AgbacApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    // A sandbox of this file's own, with a password the test knows.
    await vscode.commands.executeCommand('agbac.stopSandbox');
    const info = await vscode.commands.executeCommand<{ signInClientId?: string }>('agbac.startSandbox', { clientSecret: CLIENT_SECRET, apiToken: API_TOKEN, userPassword: PASSWORD });
    assert.equal(info?.signInClientId, DEFAULT_IDS.signInClientId);
    await vscode.commands.executeCommand('agbac.connections.focus');
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed') await screenshot(`failed-${test.title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => undefined);
  });
  after(async () => {
    await page({ action: 'close', page: SIGN_IN_TAB }).catch(() => undefined);
    await vscode.commands.executeCommand('agbac.removeConnection', { connection: SANDBOX, confirmed: true });
    await vscode.commands.executeCommand('agbac.stopSandbox');
    await vscode.commands.executeCommand('agbac.clearTokens');
    await closeAll();
  });

  it('makes the Sandbox connection one whose human comes from token exchange', async () => {
    const connections = config().inspect<Record<string, unknown>[]>('connections')?.globalValue ?? [];
    const sandbox = connections.find((connection) => connection.name === SANDBOX);
    assert.equal(sandbox?.signInClientId, DEFAULT_IDS.signInClientId, 'the sandbox connection names the app people sign in with');
    await config().update('connections', connections.map((connection) => (connection.name === SANDBOX ? { ...connection, actDelivery: 'token-exchange' } : connection)), vscode.ConfigurationTarget.Global);
  });

  it('plans provisioning for the token exchange path: no act claim; the sign-in app gets a redirect URI Okta can match whole', async () => {
    const plan = await vscode.commands.executeCommand<{ changes: { action: string; target: string; detail: string }[]; applied: boolean }>('agbac.provisionDryRun', { connection: SANDBOX });
    assert.equal(plan?.applied, false);
    // The sandbox's app registers its loopback URIs without a port (any port matches there, RFC 8252); Okta compares the whole URI.
    assert.deepEqual(plan.changes.map((change) => `${change.action} ${change.target}: ${change.detail}`), ['update app AGBAC Sign-In: register redirect URI http://127.0.0.1:8765/callback']);
    await closeAll();
  });

  it("signs Alice in on the sandbox's page and exchanges her token: the inspector shows both subjects and the chain", async () => {
    const requested = vscode.commands.executeCommand<{ kind: string; decision: string; reasons: string[] }>('agbac.requestToken', { connection: SANDBOX, scopes: ['finance.read'] });
    const url = await waitFor(() => api.pendingSignIn(), 'the sign-in to start', 30_000);
    assert.match(url, /\/oauth2\/aus123abc456\/v1\/authorize\?/);
    assert.equal(new URL(url).searchParams.get('code_challenge_method'), 'S256');

    await page({ action: 'open', page: SIGN_IN_TAB, url });
    const banner = await query('.banner', { page: SIGN_IN_TAB });
    assert.match(banner[0]?.text ?? '', /development page on this machine, not Okta/);
    const agent = await query('#agent', { page: SIGN_IN_TAB });
    assert.match(agent[0]?.text ?? '', new RegExp(`Finance Agent \\(${DEFAULT_IDS.clientId}\\) will act for you`));
    const scopes = await query('#scopes li', { page: SIGN_IN_TAB });
    assert.ok(scopes.some((scope) => /finance\.read/.test(scope.text)), scopes.map((scope) => scope.text).join(' | '));
    await fill('#username', DEFAULT_IDS.aliceLogin);
    await fill('#password', PASSWORD, true);
    const clicked = await page<{ url: string }>({ action: 'click', page: SIGN_IN_TAB, selector: '#allow' });
    assert.match(clicked.url, /^http:\/\/127\.0\.0\.1:\d+\/callback\?/, 'the browser went back to the extension host\'s loopback listener');
    const done = await query('h1', { page: SIGN_IN_TAB });
    assert.equal(done[0]?.text, 'Signed in');

    const result = await requested;
    assert.equal(result?.kind, 'token', JSON.stringify(api.lastError()));
    assert.equal(result.decision, 'ALLOW', result.reasons.join(', '));
    // The browser may have asked about opening the link itself: nothing is left open.
    await page({ action: 'press', key: 'Escape' });

    const shown: InspectorModel | undefined = api.inspectorModel();
    assert.ok(shown);
    assert.equal(shown.decision, 'ALLOW');
    assert.deepEqual(shown.subjects.map((subject) => [subject.role, subject.claim, subject.id]), [['agent', 'cid', DEFAULT_IDS.clientId], ['human', 'uid', DEFAULT_IDS.alice]]);
    assert.deepEqual(shown.delegation?.chain.map((link) => [link.role, link.id]), [['human', DEFAULT_IDS.alice], ['agent', DEFAULT_IDS.clientId]]);
    assert.equal(shown.delegation?.type, 'explicit');
    assert.ok(!WHOLE_JWT.test(JSON.stringify(shown)), 'the view model holds a whole token');

    const webview = { webview: EXTENSION_ID };
    await queryUntil('[data-decision]', (found) => found[0]?.attributes['data-decision'] === 'ALLOW', { ...webview, attributes: ['data-decision'] });
    const cards = await query('.subject', { ...webview, attributes: ['data-role'] });
    assert.deepEqual(cards.map((card) => card.attributes['data-role']), ['agent', 'human']);
    assert.ok(cards[0]?.text.includes(DEFAULT_IDS.clientId) && cards[1]?.text.includes(DEFAULT_IDS.alice), cards.map((card) => card.text).join(' | '));
    const links = await query('#delegation li.link', { ...webview, attributes: ['data-role'] });
    assert.deepEqual(links.map((link) => link.attributes['data-role']), ['human', 'agent']);
    assert.match(links[0]?.text ?? '', new RegExp(`${DEFAULT_IDS.alice}.*signed in and consented`));
    assert.match(links[1]?.text ?? '', new RegExp(`${DEFAULT_IDS.clientId}.*acts now`));
    const type = await query('#delegation', { ...webview, attributes: ['data-type', 'data-shape'] });
    assert.deepEqual([type[0]?.attributes['data-type'], type[0]?.attributes['data-shape']], ['explicit', 'okta-on-behalf-of']);
    await screenshot('token-exchange-inspector.png', [], '[id="workbench.parts.sidebar"]').catch(() => undefined);
  });

  it('uses the session for the next request: no second sign-in', async () => {
    const result = await vscode.commands.executeCommand<{ kind: string; decision: string }>('agbac.requestToken', { connection: SANDBOX, scopes: ['finance.read'] });
    assert.equal(result?.kind, 'token', JSON.stringify(api.lastError()));
    assert.equal(result.decision, 'ALLOW');
    assert.equal(api.pendingSignIn(), undefined);
  });

  it('shows the problems of a YAML delegation policy where they are', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'agbac-policy-'));
    const file = join(folder, 'finance.agbac-policy.yaml');
    writeFileSync(file, `version: 1\ndelegations:\n  - agents: [${DEFAULT_IDS.clientId}]\n    humans:\n      ids: [alice@corp.example.com]\n`);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitFor(() => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((diagnostic) => diagnostic.source === 'agbac');
      return found.length ? found : undefined;
    }, 'the policy diagnostics');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]?.message ?? '', /^delegations\[0\]\.humans\.ids\[0\]: "alice@corp\.example\.com" is not an Okta user id \(00u…\): approve people by id/);
    assert.deepEqual([diagnostics[0]?.range.start.line, diagnostics[0]?.range.start.character], [4, 12]);
  });

  it('wrote no password and no whole token anywhere', () => {
    const runRoot = dirname(tmpdir());
    const files = filesUnder(runRoot);
    assert.ok(files.some((file) => /AGBAC\.log$/.test(file)), 'the AGBAC log file is not under the run root');
    assert.deepEqual(leaksIn(files, [PASSWORD, CLIENT_SECRET, API_TOKEN]), []);
    const log = files.filter((file) => /AGBAC\.log$/.test(file)).map((file) => readFileSync(file, 'utf8')).join('\n');
    assert.match(log, new RegExp(`${DEFAULT_IDS.alice} signed in at Sandbox for openid profile finance\\.read: eyJ[\\w-]{5}…[\\w-]{6}`));
  });
});
