/**
 * The Connections view: a TreeDataProvider over the rows of model/tree.ts. Nodes keep their
 * identity across refreshes (one object per row id), so the one-second tick can refresh just the
 * token rows whose countdown moved.
 */
import * as vscode from 'vscode';
import type { Connection } from '../core';
import { Disposable } from './disposable';
import { log } from './log';
import { childRows, type Row, type RowRef, rootRows, type SecretKind, tokenRowOf, type TreeInput } from './model/tree';
import type { ConnectionSecrets } from './secrets';
import { affectsSettings, readSettings } from './settings';
import { type AgbacState, nowSeconds } from './state';

export const CONNECTIONS_VIEW = 'agbac.connections';

/** A tree node: the row it shows, updated in place on refresh. */
export class ConnectionNode {
  constructor(public row: Row) {}
}

/** A row as the extension's API hands it out: what a person sees, and its children. */
export interface RowSnapshot {
  readonly id: string;
  readonly kind: Row['kind'];
  readonly label: string;
  readonly description: string | undefined;
  readonly icon: string | undefined;
  readonly contextValue: string;
  readonly children: readonly RowSnapshot[];
}

/** What a command was invoked on: a tree node, or an object or string naming a connection. */
export function refOf(argument: unknown): RowRef {
  if (argument instanceof ConnectionNode) return argument.row.ref;
  if (typeof argument === 'string') return { connection: argument };
  if (typeof argument === 'object' && argument !== null) {
    const record = argument as Record<string, unknown>;
    const text = (key: string) => (typeof record[key] === 'string' ? record[key] : undefined);
    const secret = text('kind') ?? text('secret');
    return {
      ...(text('connection') ? { connection: text('connection') } : {}),
      ...(text('human') ? { human: text('human') } : {}),
      ...(text('tokenId') ? { tokenId: text('tokenId') } : {}),
      ...(secret === 'clientSecret' || secret === 'privateKey' || secret === 'apiToken' ? { secret } : {}),
    };
  }
  return {};
}

export class ConnectionsTree extends Disposable implements vscode.TreeDataProvider<ConnectionNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ConnectionNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, ConnectionNode>();
  readonly view: vscode.TreeView<ConnectionNode>;

  constructor(private readonly state: AgbacState, private readonly secrets: ConnectionSecrets) {
    super();
    this.view = this._register(vscode.window.createTreeView(CONNECTIONS_VIEW, { treeDataProvider: this, showCollapseAll: true }));
    this._register(state.onDidChange(() => this.refresh()));
    this._register(state.onTick(() => this.tick()));
    this._register(secrets.onDidChange(() => this.refresh()));
    this._register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSettings(event)) this.refresh();
    }));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Moves the countdowns on: refreshes the token rows only, and only while the view is visible. */
  private tick(): void {
    if (!this.view.visible) return;
    for (const node of this.nodes.values()) if (node.row.kind === 'token') this.changed.fire(node);
  }

  async input(connections: readonly Connection[] = readSettings().connections): Promise<TreeInput> {
    const settings = readSettings();
    const secrets = new Map<string, ReadonlySet<SecretKind>>();
    await Promise.all(connections.map(async (connection) => secrets.set(connection.name, await this.secrets.present(connection))));
    return {
      connections,
      active: settings.activeConnection?.name,
      sandbox: this.state.sandbox ? { connection: this.state.sandbox.connection, running: this.state.sandbox.running } : undefined,
      secrets,
      doctor: this.state.doctorResults,
      tokens: this.state.tokens.map(({ token: _token, ...summary }) => summary),
      now: nowSeconds(),
    };
  }

  private node(row: Row): ConnectionNode {
    const existing = this.nodes.get(row.id);
    if (existing) {
      existing.row = row;
      return existing;
    }
    const node = new ConnectionNode(row);
    this.nodes.set(row.id, node);
    return node;
  }

  getTreeItem(node: ConnectionNode): vscode.TreeItem {
    // A token row's countdown is recomputed at each tick.
    const row = node.row.kind === 'token' ? this.freshTokenRow(node.row) : node.row;
    const collapsible = { no: vscode.TreeItemCollapsibleState.None, collapsed: vscode.TreeItemCollapsibleState.Collapsed, expanded: vscode.TreeItemCollapsibleState.Expanded }[row.expandable];
    const item = new vscode.TreeItem(row.label, collapsible);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    if (row.icon) item.iconPath = new vscode.ThemeIcon(row.icon, row.iconColor ? new vscode.ThemeColor(row.iconColor) : undefined);
    if (row.command) item.command = { command: row.command.command, title: row.command.title, arguments: [...row.command.args] };
    return item;
  }

  private freshTokenRow(row: Row): Row {
    const token = this.state.token(row.ref.tokenId);
    if (!token) return row;
    const { token: _token, ...summary } = token;
    return tokenRowOf(summary, nowSeconds());
  }

  /** The node above (for reveal); rows keep their parent's id. */
  async getParent(node: ConnectionNode): Promise<ConnectionNode | undefined> {
    const parentId = node.row.parentId;
    if (!parentId) return undefined;
    const cached = this.nodes.get(parentId);
    if (cached) return cached;
    const found = (await this.snapshotRows()).find((row) => row.id === parentId);
    return found ? this.node(found) : undefined;
  }

  /** Every row, flat: for reveal of rows not rendered yet. */
  private async snapshotRows(): Promise<Row[]> {
    const input = await this.input();
    const all: Row[] = [];
    const walk = (rows: Row[]) => {
      for (const row of rows) {
        all.push(row);
        if (row.expandable !== 'no') walk(childRows(row, input));
      }
    };
    walk(rootRows(input));
    return all;
  }

  /**
   * Shows a row: its ancestors open, the row itself opened when `expand`. Used to point at what a
   * command just produced (a new token, the doctor's checks). Never throws: the view may be hidden.
   */
  async reveal(rowId: string, options: { expand?: boolean } = {}): Promise<void> {
    try {
      const row = this.nodes.get(rowId)?.row ?? (await this.snapshotRows()).find((candidate) => candidate.id === rowId);
      if (!row || !this.view.visible) return;
      await this.view.reveal(this.node(row), { select: false, focus: false, expand: options.expand === true ? true : undefined });
    } catch (error) {
      log.warn('tree', `could not reveal ${rowId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async getChildren(node?: ConnectionNode): Promise<ConnectionNode[]> {
    try {
      const input = await this.input();
      const rows = node ? childRows(node.row, input) : rootRows(input);
      return rows.map((row) => this.node(row));
    } catch (error) {
      log.error('tree', 'listing the connections failed', error);
      return [];
    }
  }

  /** Every row, expanded, as a person would read them (for the extension's API). */
  async snapshot(): Promise<RowSnapshot[]> {
    const input = await this.input();
    const expand = (row: Row): RowSnapshot => ({
      id: row.id,
      kind: row.kind,
      label: row.label,
      description: row.description,
      icon: row.icon,
      contextValue: row.contextValue,
      children: row.expandable === 'no' ? [] : childRows(row, input).map(expand),
    });
    return rootRows(input).map(expand);
  }
}
