/**
 * The Connections tree as plain rows, one level at a time: what each row says, its icon, what
 * its menus are (its context value) and what it refers to. The tree provider turns rows into
 * TreeItems and the extension's API hands the same rows to tests. No VS Code here: tested on
 * plain Node.
 */
import { type Connection, connectionUrls, relativeTime } from '../../core';
import type { Check } from '../../okta/checks';
import { humanLabel, type RecentToken, remainingLife } from './tokens';

/** The secrets a connection can have, as stored in SecretStorage (never in settings). */
export const SECRET_KINDS = {
  clientSecret: 'client secret (client_secret_jwt)',
  privateKey: 'private key, PKCS#8 PEM or JWK (private_key_jwt)',
  apiToken: 'Management API token (SSWS)',
} as const;

export type SecretKind = keyof typeof SECRET_KINDS;

export function isSecretKind(value: unknown): value is SecretKind {
  return typeof value === 'string' && Object.hasOwn(SECRET_KINDS, value);
}

export type RowKind =
  | 'connection' | 'authServer' | 'scopes' | 'agentApp' | 'secret' | 'humans' | 'human'
  | 'doctor' | 'check' | 'tokens' | 'token' | 'info';

/** What a row refers to: the arguments its commands act on. */
export interface RowRef {
  readonly connection?: string;
  readonly human?: string;
  readonly tokenId?: string;
  readonly check?: string;
  readonly secret?: SecretKind;
}

export interface Row {
  /** Stable across refreshes (expansion state and countdown updates key on it). */
  readonly id: string;
  readonly kind: RowKind;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** A codicon id, optionally coloured by a theme colour id. */
  readonly icon?: string;
  readonly iconColor?: string;
  /** What `view/item/context` menus match on. */
  readonly contextValue: string;
  readonly expandable: 'no' | 'collapsed' | 'expanded';
  /** Run on click. */
  readonly command?: { readonly command: string; readonly title: string; readonly args: readonly unknown[] };
  readonly ref: RowRef;
  /** The row above it (none at the top level). */
  readonly parentId?: string;
}

/** The doctor's last run of a connection (in memory). */
export interface DoctorRun {
  readonly checks: readonly Check[];
  /** Seconds since the epoch. */
  readonly at: number;
}

/** A recent token as the tree sees it: everything but the token itself. */
export type TokenSummary = Omit<RecentToken, 'token'>;

export interface TreeInput {
  readonly connections: readonly Connection[];
  readonly active: string | undefined;
  /** The connection the embedded sandbox serves, and whether it runs. */
  readonly sandbox: { readonly connection: string; readonly running: boolean } | undefined;
  readonly secrets: ReadonlyMap<string, ReadonlySet<SecretKind>>;
  readonly doctor: ReadonlyMap<string, DoctorRun>;
  readonly tokens: readonly TokenSummary[];
  /** Seconds since the epoch. */
  readonly now: number;
}

export const INSPECT_COMMAND = 'agbac.inspectToken';

/** The top level: one row per connection. */
export function rootRows(input: TreeInput): Row[] {
  return input.connections.map((connection) => connectionRow(connection, input));
}

/** The rows under `parent`. */
export function childRows(parent: Row, input: TreeInput): Row[] {
  return rowsUnder(parent, input).map((row) => ({ ...row, parentId: parent.id }));
}

function rowsUnder(parent: Row, input: TreeInput): Row[] {
  const connection = input.connections.find((candidate) => candidate.name === parent.ref.connection);
  if (!connection) return [];
  const key = `c:${connection.name}`;
  switch (parent.kind) {
    case 'connection':
      return [
        authServerRow(connection, key),
        scopesRow(connection, key),
        agentRow(connection, key),
        secretRow(connection, key, 'apiToken', input),
        humansRow(connection, key),
        doctorRow(connection, key, input),
        tokensRow(connection, key, input),
      ];
    case 'authServer': {
      const urls = safeUrls(connection);
      return [
        info(`${key}/server/issuer`, 'Issuer', urls?.issuer ?? 'not a usable URL', connection.name),
        info(`${key}/server/token`, 'Token endpoint', urls?.tokenEndpoint ?? 'not a usable URL', connection.name),
        info(`${key}/server/audience`, 'Audience', connection.apiAudience ?? "not set (tokens carry the server's)", connection.name),
      ];
    }
    case 'scopes':
      return connection.scopes.length
        ? connection.scopes.map((scope) => info(`${key}/scope/${scope}`, scope, undefined, connection.name, 'symbol-constant'))
        : [info(`${key}/scope/none`, 'No scopes: Edit Connection adds them', undefined, connection.name)];
    case 'agentApp':
      return [
        info(`${key}/agent/client`, 'Client id', connection.clientId, connection.name),
        info(`${key}/agent/method`, 'Authentication', connection.authMethod, connection.name),
        ...(connection.authMethod === 'private_key_jwt'
          ? [info(`${key}/agent/kid`, 'Key id', connection.kid ?? 'none: Generate Key Pair makes one', connection.name)]
          : []),
        secretRow(connection, key, connection.authMethod === 'private_key_jwt' ? 'privateKey' : 'clientSecret', input),
      ];
    case 'humans':
      return connection.humans.length
        ? connection.humans.map((human) => ({
            id: `${key}/human/${human.id}`,
            kind: 'human' as const,
            label: humanLabel(human),
            description: human.id,
            tooltip: [`Okta user ${human.id}`, human.email, human.name].filter(Boolean).join('\n'),
            icon: 'person',
            contextValue: 'human',
            expandable: 'no' as const,
            ref: { connection: connection.name, human: human.id },
          }))
        : [info(`${key}/human/none`, 'None saved: Add Human looks a user up', undefined, connection.name)];
    case 'doctor': {
      const run = input.doctor.get(connection.name);
      if (!run) return [info(`${key}/doctor/none`, 'Not run yet: Run Doctor checks the org step by step', undefined, connection.name)];
      return run.checks.map((check, index) => checkRow(check, `${key}/check/${index}/${check.id}`, connection.name));
    }
    case 'check': {
      const run = input.doctor.get(connection.name);
      const check = run?.checks.find((candidate, index) => `${key}/check/${index}/${candidate.id}` === parent.id);
      if (!check) return [];
      return [
        ...(check.why ? [info(`${parent.id}/why`, 'Why', check.why, connection.name, 'question')] : []),
        ...(check.fix ? [info(`${parent.id}/fix`, 'Fix', check.fix, connection.name, 'tools')] : []),
        ...(check.guideStep ? [info(`${parent.id}/guide`, 'Guide', check.guideStep, connection.name, 'book')] : []),
      ];
    }
    case 'tokens': {
      const tokens = input.tokens.filter((token) => token.connection === connection.name);
      return tokens.length
        ? tokens.map((token) => tokenRow(token, key, input.now))
        : [info(`${key}/token/none`, 'None yet: Request Token gets one', undefined, connection.name)];
    }
    default:
      return [];
  }
}

function safeUrls(connection: Connection): ReturnType<typeof connectionUrls> | undefined {
  try {
    return connectionUrls(connection);
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function connectionRow(connection: Connection, input: TreeInput): Row {
  const active = connection.name === input.active;
  const sandbox = input.sandbox?.connection === connection.name ? input.sandbox : undefined;
  const flags = `${active ? '.active' : ''}${sandbox ? `.sandbox${sandbox.running ? '.running' : ''}` : ''}`;
  const parts = [active ? 'active' : undefined, sandbox ? (sandbox.running ? 'sandbox running' : 'sandbox stopped') : undefined, hostOf(connection.orgUrl)];
  return {
    id: `c:${connection.name}`,
    kind: 'connection',
    label: connection.name,
    description: parts.filter(Boolean).join(' · '),
    tooltip: [
      `${connection.name}${active ? ' (active)' : ''}`,
      `Org: ${connection.orgUrl}`,
      `Authorization server: ${connection.authServerId}`,
      `Agent: ${connection.clientId} (${connection.authMethod})`,
      ...(sandbox ? [sandbox.running ? 'The embedded sandbox serves this connection.' : 'The embedded sandbox is stopped: Start Local Sandbox.'] : []),
    ].join('\n'),
    icon: sandbox ? 'beaker' : active ? 'star-full' : 'plug',
    ...(active ? { iconColor: 'charts.yellow' } : {}),
    contextValue: `connection${flags}`,
    expandable: active ? 'expanded' : 'collapsed',
    ref: { connection: connection.name },
  };
}

function authServerRow(connection: Connection, key: string): Row {
  return {
    id: `${key}/server`,
    kind: 'authServer',
    label: 'Authorization server',
    description: connection.authServerId,
    tooltip: `The custom authorization server ${connection.authServerId}${connection.apiAudience ? `, audience ${connection.apiAudience}` : ''}`,
    icon: 'server-environment',
    contextValue: 'authServer',
    expandable: 'collapsed',
    ref: { connection: connection.name },
  };
}

function scopesRow(connection: Connection, key: string): Row {
  return {
    id: `${key}/scopes`,
    kind: 'scopes',
    label: 'Scopes',
    description: connection.scopes.join(' ') || 'none',
    icon: 'list-unordered',
    contextValue: 'scopes',
    expandable: 'collapsed',
    ref: { connection: connection.name },
  };
}

function agentRow(connection: Connection, key: string): Row {
  return {
    id: `${key}/agent`,
    kind: 'agentApp',
    label: 'Agent app',
    description: `${connection.clientId} · ${connection.authMethod}`,
    tooltip: `The agent's service app: client id ${connection.clientId}, ${connection.authMethod}${connection.kid ? `, key ${connection.kid}` : ''}`,
    icon: 'robot',
    contextValue: 'agentApp',
    expandable: 'collapsed',
    ref: { connection: connection.name },
  };
}

const SECRET_LABELS: Readonly<Record<SecretKind, string>> = {
  clientSecret: 'Client secret',
  privateKey: 'Private key',
  apiToken: 'Management API token',
};

function secretRow(connection: Connection, key: string, kind: SecretKind, input: TreeInput): Row {
  const stored = input.secrets.get(connection.name)?.has(kind) === true;
  return {
    id: `${key}/secret/${kind}`,
    kind: 'secret',
    label: SECRET_LABELS[kind],
    description: stored ? 'stored' : kind === 'apiToken' ? 'not stored (look-ups, doctor, provisioning need it)' : 'not stored',
    tooltip: `The ${SECRET_KINDS[kind]}: ${stored ? 'in VS Code\'s secret storage' : 'not stored yet'}. Never in settings.`,
    icon: stored ? 'lock' : 'unlock',
    ...(stored ? {} : { iconColor: 'list.warningForeground' }),
    contextValue: stored ? 'secret.stored' : 'secret.missing',
    expandable: 'no',
    ref: { connection: connection.name, secret: kind },
  };
}

function humansRow(connection: Connection, key: string): Row {
  const count = connection.humans.length;
  return {
    id: `${key}/humans`,
    kind: 'humans',
    label: 'Humans',
    description: `${count} saved${connection.group ? ` · approved by ${connection.group}` : ''}`,
    tooltip: connection.group ? `Humans are approved by membership of the Okta group ${connection.group}.` : 'No approving group: Verify Token leaves the human unapproved (set "group" in Edit Connection).',
    icon: 'person',
    contextValue: 'humans',
    expandable: count ? 'expanded' : 'collapsed',
    ref: { connection: connection.name },
  };
}

function doctorRow(connection: Connection, key: string, input: TreeInput): Row {
  const run = input.doctor.get(connection.name);
  const count = (status: Check['status']) => run?.checks.filter((check) => check.status === status).length ?? 0;
  const failed = count('fail');
  return {
    id: `${key}/doctor`,
    kind: 'doctor',
    label: 'Doctor',
    description: run ? `${count('pass')} passed, ${failed} failed, ${count('skip')} skipped · ${relativeTime(run.at, input.now)}` : 'not run',
    icon: 'pulse',
    ...(run ? { iconColor: failed ? 'testing.iconFailed' : 'testing.iconPassed' } : {}),
    contextValue: run ? (failed ? 'doctor.failed' : 'doctor.passed') : 'doctor',
    expandable: run && failed ? 'expanded' : 'collapsed',
    ref: { connection: connection.name },
  };
}

function checkRow(check: Check, id: string, connection: string): Row {
  const icons = { pass: ['pass', 'testing.iconPassed'], fail: ['error', 'testing.iconFailed'], skip: ['circle-slash', 'testing.iconSkipped'] } as const;
  const [icon, color] = icons[check.status];
  return {
    id,
    kind: 'check',
    label: check.title,
    description: check.status === 'fail' ? `${check.guideStep ?? ''} · ${check.detail}` : check.detail,
    tooltip: [
      `${check.title}: ${check.status}`,
      check.detail,
      ...(check.why ? [`Why: ${check.why}`] : []),
      ...(check.fix ? [`Fix: ${check.fix}`] : []),
      ...(check.guideStep ? [`Guide: ${check.guideStep}`] : []),
    ].join('\n'),
    icon,
    iconColor: color,
    contextValue: `check.${check.status}`,
    expandable: check.status === 'fail' ? 'collapsed' : 'no',
    ref: { connection, check: check.id },
  };
}

function tokensRow(connection: Connection, key: string, input: TreeInput): Row {
  const count = input.tokens.filter((token) => token.connection === connection.name).length;
  return {
    id: `${key}/tokens`,
    kind: 'tokens',
    label: 'Recent tokens',
    description: count ? `${count} in memory` : 'none',
    tooltip: 'Tokens obtained in this window, kept in memory only: they are gone when the window closes.',
    icon: 'history',
    contextValue: 'tokens',
    expandable: count ? 'expanded' : 'collapsed',
    ref: { connection: connection.name },
  };
}

/** A token's row at `now` (its countdown moves every second). */
export function tokenRowOf(token: TokenSummary, now: number): Row {
  const key = `c:${token.connection ?? ''}`;
  return { ...tokenRow(token, key, now), parentId: `${key}/tokens` };
}

function tokenRow(token: TokenSummary, key: string, now: number): Row {
  const decision = token.checked?.verification.decision;
  const life = remainingLife(token.expiresAt, now);
  return {
    id: `${key}/token/${token.id}`,
    kind: 'token',
    label: `${humanLabel(token.human)} · ${token.scopes.join(' ') || 'no scope'}`,
    description: `${decision ?? 'not verified'} · ${life === 'expired' ? 'expired' : `expires in ${life}`}`,
    tooltip: `Requested ${relativeTime(token.receivedAt, now)} for ${token.human?.id ?? 'no human'}. Click to inspect; kept in memory only.`,
    icon: 'key',
    ...(decision ? { iconColor: decision === 'ALLOW' ? 'testing.iconPassed' : decision === 'DENY' ? 'testing.iconFailed' : 'testing.iconQueued' } : {}),
    contextValue: `token.${decision ? decision.toLowerCase() : 'unverified'}`,
    expandable: 'no',
    command: { command: INSPECT_COMMAND, title: 'Inspect Token', args: [{ tokenId: token.id }] },
    ref: { connection: token.connection ?? '', tokenId: token.id },
  };
}

function info(id: string, label: string, description: string | undefined, connection: string, icon?: string): Row {
  return {
    id,
    kind: 'info',
    label,
    ...(description !== undefined ? { description, tooltip: `${label}: ${description}` } : {}),
    ...(icon ? { icon } : {}),
    contextValue: 'info',
    expandable: 'no',
    ref: { connection },
  };
}
