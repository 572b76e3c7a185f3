/**
 * The status bar: the active connection, and the remaining life of the token the inspector shows,
 * counting down. A click opens the inspector when there is a token, else picks the connection.
 */
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { humanLabel, remainingLife } from './model/tokens';
import { affectsSettings, readSettings } from './settings';
import { type AgbacState, nowSeconds } from './state';

export class AgbacStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('agbac.status', vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly state: AgbacState) {
    super();
    this.item.name = 'AGBAC';
    this._register(state.onDidChange(() => this.update()));
    this._register(state.onTick(() => this.update()));
    this._register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSettings(event)) this.update();
    }));
    this.update();
  }

  /** What the item says now (also for the extension's API). */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    const settings = readSettings();
    const active = settings.activeConnection;
    const token = this.state.current;
    if (!active && !token) {
      this.item.hide();
      return;
    }
    const now = nowSeconds();
    const life = token ? remainingLife(token.expiresAt, now) : undefined;
    this.item.text = `$(shield) ${active?.name ?? 'no connection'}${life ? ` $(key) ${life}` : ''}`;
    const lines = [
      active ? `AGBAC: the active connection is ${active.name} (${active.orgUrl})` : 'AGBAC: no active connection',
      ...(token ? [`Current token: for ${humanLabel(token.human)}, ${token.checked?.verification.decision ?? 'not verified'}, ${life === 'expired' ? 'expired' : `expires in ${life ?? '?'}`}`] : []),
      token ? 'Click to open the Token Inspector.' : 'Click to choose the active connection.',
    ];
    this.item.tooltip = lines.join('\n');
    this.item.command = token ? 'agbac.inspector.focus' : 'agbac.setActiveConnection';
    this.item.backgroundColor = life === 'expired' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
