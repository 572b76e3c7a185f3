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
