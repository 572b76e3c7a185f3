/**
 * Every `agbac.*` setting, read through one place. Values from configuration are not trusted:
 * each is normalised, and a bad one falls back to its default.
 */
import * as vscode from 'vscode';
import { ASSERTION_LIMITS, type AudienceStyle, type Connection, isAudienceStyle, isProfileName, type ProfileName, readConnection } from '../core';

const SETTINGS = {
  section: 'agbac',
  profile: 'profile',
  assertionAudience: 'assertionAudience',
  clockSkewSeconds: 'clockSkewSeconds',
  files: 'files',
  connections: 'connections',
  activeConnection: 'activeConnection',
  copySignedToClipboard: 'sign.copyToClipboard',
} as const;

const DEFAULT_FILES = ['**/*.assertion.json', '**/*.agbac.json'] as const;

export interface Settings {
  readonly profile: ProfileName;
  readonly assertionAudience: AudienceStyle;
  readonly clockSkewSeconds: number;
  /** Globs of payload files (linted and, for the built-in patterns, schema-validated). */
  readonly files: readonly string[];
  readonly connections: readonly Connection[];
  /** Problems found in `agbac.connections`, one line each. */
  readonly connectionProblems: readonly string[];
  readonly activeConnection: Connection | undefined;
  readonly copySignedToClipboard: boolean;
}

/** The current settings (for a resource, when given, so folder settings apply). */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SETTINGS.section, scope);
  const profile = config.get<unknown>(SETTINGS.profile);
  const audience = config.get<unknown>(SETTINGS.assertionAudience);
  const skew = config.get<unknown>(SETTINGS.clockSkewSeconds);
  const files = config.get<unknown>(SETTINGS.files);
  const { connections, problems } = readConnections(config.get<unknown>(SETTINGS.connections));
  const activeName = config.get<unknown>(SETTINGS.activeConnection);
  return {
    profile: isProfileName(profile) ? profile : 'okta-guide',
    assertionAudience: isAudienceStyle(audience) ? audience : 'token-endpoint',
    clockSkewSeconds: typeof skew === 'number' && Number.isFinite(skew) && skew >= 0 && skew <= 3600 ? skew : ASSERTION_LIMITS.defaultClockSkewSeconds,
    files: Array.isArray(files) && files.every((glob) => typeof glob === 'string') && files.length > 0 ? (files) : [...DEFAULT_FILES],
    connections,
    connectionProblems: problems,
    activeConnection: connections.find((connection) => connection.name === activeName) ?? (connections.length === 1 ? connections[0] : undefined),
    copySignedToClipboard: config.get<unknown>(SETTINGS.copySignedToClipboard) === true,
  };
}

function readConnections(value: unknown): { connections: Connection[]; problems: string[] } {
  if (!Array.isArray(value)) return { connections: [], problems: value === undefined ? [] : ['agbac.connections must be a list'] };
  const connections: Connection[] = [];
  const problems: string[] = [];
  value.forEach((entry: unknown, index) => {
    const read = readConnection(entry);
    if ('connection' in read) connections.push(read.connection);
    else problems.push(`agbac.connections[${index}]: ${read.errors.join('; ')}`);
  });
  return { connections, problems };
}

/** True when a configuration change touches any AGBAC setting. */
export function affectsSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SETTINGS.section);
}

/** Where a setting is written: the user's settings, or the open workspace's. */
export type SettingsTarget = 'user' | 'workspace';

const TARGETS: Readonly<Record<SettingsTarget, vscode.ConfigurationTarget>> = {
  user: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
};

/** A connection as it is written to settings: the fields readConnection reads, without defaults left implicit. */
export function connectionSetting(connection: Connection): Record<string, unknown> {
  return {
    name: connection.name,
    orgUrl: connection.orgUrl,
    authServerId: connection.authServerId,
    ...(connection.apiAudience ? { apiAudience: connection.apiAudience } : {}),
    clientId: connection.clientId,
    authMethod: connection.authMethod,
    ...(connection.kid ? { kid: connection.kid } : {}),
    scopes: [...connection.scopes],
    ...(connection.audienceStyle !== 'token-endpoint' ? { audienceStyle: connection.audienceStyle } : {}),
    ...(connection.group ? { group: connection.group } : {}),
    ...(connection.humans.length ? { humans: connection.humans.map((human) => ({ ...human })) } : {}),
    ...(connection.signInClientId ? { signInClientId: connection.signInClientId } : {}),
    ...(connection.signInRedirectUri ? { signInRedirectUri: connection.signInRedirectUri } : {}),
  };
}

const CONNECTION_FIELDS = ['name', 'orgUrl', 'authServerId', 'apiAudience', 'clientId', 'authMethod', 'kid', 'scopes', 'audienceStyle', 'group', 'humans', 'signInClientId', 'signInRedirectUri'];

function rawList(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry)) : [];
}

/** Where a connection is defined: the workspace's list wins, as it does when settings are read. */
export function connectionTarget(name: string): SettingsTarget | undefined {
  const inspected = vscode.workspace.getConfiguration(SETTINGS.section).inspect<unknown>(SETTINGS.connections);
  if (vscode.workspace.workspaceFolders?.length && rawList(inspected?.workspaceValue).some((entry) => entry.name === name)) return 'workspace';
  if (rawList(inspected?.globalValue).some((entry) => entry.name === name)) return 'user';
  return undefined;
}

async function updateList(target: SettingsTarget, change: (list: Record<string, unknown>[]) => Record<string, unknown>[]): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS.section);
  const inspected = config.inspect<unknown>(SETTINGS.connections);
  const current = rawList(target === 'workspace' ? inspected?.workspaceValue : inspected?.globalValue);
  const next = change(current);
  await config.update(SETTINGS.connections, next.length ? next : undefined, TARGETS[target]);
}

/**
 * Saves a connection: replaces the one named `replacing` (or its own name) where it is defined,
 * else adds it to `target`. Secrets never pass through here (readConnection refuses them).
 */
export async function saveConnection(connection: Connection, target: SettingsTarget, replacing = connection.name): Promise<SettingsTarget> {
  const where = connectionTarget(replacing) ?? target;
  const setting = connectionSetting(connection);
  await updateList(where, (list) => {
    const index = list.findIndex((entry) => entry.name === replacing);
    if (index < 0) return [...list, setting];
    // Fields this version does not know stay as the user wrote them.
    const kept = (entry: Record<string, unknown>) => Object.fromEntries(Object.entries(entry).filter(([key]) => !CONNECTION_FIELDS.includes(key)));
    return list.map((entry, at) => (at === index ? { ...kept(entry), ...setting } : entry));
  });
  return where;
}

/** Removes a connection from wherever it is defined; clears the active setting that named it. */
export async function removeConnection(name: string): Promise<void> {
  const where = connectionTarget(name);
  if (where) await updateList(where, (list) => list.filter((entry) => entry.name !== name));
  const config = vscode.workspace.getConfiguration(SETTINGS.section);
  const active = config.inspect<unknown>(SETTINGS.activeConnection);
  if (active?.workspaceValue === name) await config.update(SETTINGS.activeConnection, undefined, vscode.ConfigurationTarget.Workspace);
  if (active?.globalValue === name) await config.update(SETTINGS.activeConnection, undefined, vscode.ConfigurationTarget.Global);
}

/** Makes `name` the active connection, where the active setting is defined (else beside the connection). */
export async function setActiveConnection(name: string): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS.section);
  const active = config.inspect<unknown>(SETTINGS.activeConnection);
  const target = vscode.workspace.workspaceFolders?.length && active?.workspaceValue !== undefined ? 'workspace' : connectionTarget(name) ?? 'user';
  await config.update(SETTINGS.activeConnection, name, TARGETS[target]);
}

/** The name of the active connection as set (may name no connection). */
export function activeConnectionName(): string | undefined {
  const value = vscode.workspace.getConfiguration(SETTINGS.section).get<unknown>(SETTINGS.activeConnection);
  return typeof value === 'string' && value ? value : undefined;
}
