/**
 * The Token Inspector: a webview view beside the Connections tree. It shows the token the state
 * calls current (header and payload with each claim's explanation, the time line, agent and
 * human side by side, the AGBAC checklist, the act round trip, the audit event) and sends back
 * the actions a person clicks.
 *
 * The page has a strict Content-Security-Policy with a fresh nonce per load (node:crypto), loads
 * nothing remote, and builds its DOM from text only (src/vscode/webview/inspector.ts). Messages
 * are typed and checked both ways (model/inspector-protocol.ts). What the page keeps across
 * reloads is the view model, which holds no compact token.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { log } from './log';
import { type FromWebview, type InspectorModel, type InspectorState, readFromWebview, readInspectorState, type ToWebview } from './model/inspector-protocol';
import type { RecentToken } from './model/tokens';
import type { AgbacState } from './state';

export const INSPECTOR_VIEW = 'agbac.inspector';

export class TokenInspector extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  /** The last state the page reported storing (for the extension's API: tests scan it). */
  private stored: InspectorState | undefined;
  private shownId: string | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly state: AgbacState,
    private readonly modelFor: (token: RecentToken) => InspectorModel,
    private readonly act: (message: Exclude<FromWebview, { type: 'ready' | 'stateSaved' }>) => Promise<void>,
  ) {
    super();
    this._register(vscode.window.registerWebviewViewProvider(INSPECTOR_VIEW, this));
    this._register(state.onDidChange((change) => {
      if (change === 'current' || change === 'tokens') this.post();
    }));
  }

  resolveWebviewView(view: vscode.WebviewView, context: vscode.WebviewViewResolveContext): void {
    this.view = view;
    this.ready = false;
    const restored = readInspectorState(context.state);
    if (restored) this.stored = restored;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    view.webview.html = this.html(view.webview);
    const subscriptions = [
      view.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      // A hidden view's page is destroyed; shown again, it reloads and says `ready` before it
      // can take a message (it shows its stored state meanwhile).
      view.onDidChangeVisibility(() => {
        if (!view.visible) this.ready = false;
      }),
    ];
    view.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  /** What the inspector shows now, built from the current token (undefined without one). */
  model(): InspectorModel | undefined {
    const token = this.state.current;
    return token ? this.modelFor(token) : undefined;
  }

  /** The state the page last stored. */
  get storedState(): InspectorState | undefined {
    return this.stored;
  }

  get isVisible(): boolean {
    return this.view?.visible === true;
  }

  /** Opens the view (VS Code resolves it if needed) and shows the current token. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${INSPECTOR_VIEW}.focus`);
    this.post();
  }

  /** Shows a busy line over the page (a verification running). */
  busy(text: string | null): void {
    this.send({ type: 'busy', text });
  }

  private post(): void {
    const model = this.model();
    // Without a current token the page keeps what it restored, unless it showed a token that is gone.
    if (!model && this.shownId === undefined) return;
    this.shownId = model?.tokenId;
    this.send({ type: 'show', model: model ?? null, live: model !== undefined });
  }

  private send(message: ToWebview): void {
    if (!this.view || !this.ready) return;
    void this.view.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = readFromWebview(raw);
    if (!message) {
      log.warn('inspector', 'ignored a message from the inspector page that is not one it sends');
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.shownId = undefined;
      this.post();
      return;
    }
    if (message.type === 'stateSaved') {
      this.stored = message.state;
      return;
    }
    try {
      await this.act(message);
    } catch (error) {
      log.error('inspector', `the ${message.type} action failed`, error);
    }
  }

  private html(webview: vscode.Webview): string {
    // A fresh nonce for every load: only the page's own script runs.
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'inspector.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'inspector.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Token Inspector</title>
</head>
<body>
<main id="inspector" aria-live="polite"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}
