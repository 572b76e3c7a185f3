/**
 * Okta's JSON shapes, read into the sandbox's records. The same readers serve a `--seed` file
 * and Management API bodies, so both accept exactly what Okta's API accepts (plus a few
 * conveniences for seeds, noted where they are).
 */
import type { JWK } from 'jose';
import { isRecord } from '../core';
import {
  APPLICATION_TYPES,
  INLINE_HOOK_TYPES,
  type InlineHookRecord,
  type AppRecord,
  type ClaimRecord,
  CLIENT_AUTH_METHODS,
  KNOWN_GRANT_TYPES,
  type LifecycleStatus,
  type PolicyRecord,
  type RuleRecord,
  type ScopeRecord,
  TOKEN_EXCHANGE_SHAPES,
  type TokenExchangeShape,
  type UserProfile,
  type UserStatus,
} from './model';
import type { Reader } from './reader';

const STATUSES = ['ACTIVE', 'INACTIVE'] as const;

/** Claims Okta sets itself; a custom claim may not use these names. */
export const RESERVED_CLAIMS = [
  'ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'nbf', 'cid', 'uid', 'scp', 'sub', 'auth_time', 'amr', 'idp', 'nonce', 'at_hash', 'c_hash', 'cnf',
] as const;

export interface AuthServerFields {
  name: string;
  description: string;
  audiences: string[];
  status: LifecycleStatus;
  issuerMode: string;
  tokenExchangeShape: TokenExchangeShape;
}

/** An authorization server's settable fields (`name`, `description`, `audiences`, `issuerMode`, `status`). */
export function readAuthServer(reader: Reader): AuthServerFields {
  reader.expectObject();
  return {
    name: reader.string('name', { required: true }) ?? '',
    description: reader.string('description', { fallback: '' }) ?? '',
    audiences: reader.strings('audiences', { required: true }),
    status: reader.oneOf('status', STATUSES, 'ACTIVE'),
    issuerMode: reader.oneOf('issuerMode', ['ORG_URL', 'CUSTOM_URL', 'DYNAMIC'] as const, 'ORG_URL'),
    // The sandbox's own member (Okta ignores unknown ones): how exchanged tokens name the two parties.
    tokenExchangeShape: reader.object('tokenExchange').oneOf('shape', TOKEN_EXCHANGE_SHAPES, 'okta'),
  };
}

export function readScope(reader: Reader): Omit<ScopeRecord, 'id'> {
  reader.expectObject();
  return {
    name: reader.string('name', { required: true, noSpaces: true }) ?? '',
    displayName: reader.string('displayName'),
    description: reader.string('description'),
    consent: reader.oneOf('consent', ['REQUIRED', 'IMPLICIT', 'FLEXIBLE'] as const, 'IMPLICIT'),
    default: reader.boolean('default', false),
    metadataPublish: reader.oneOf('metadataPublish', ['ALL_CLIENTS', 'NO_CLIENTS'] as const, 'ALL_CLIENTS'),
    optional: reader.boolean('optional', false),
    system: false,
  };
}

export function readClaim(reader: Reader): Omit<ClaimRecord, 'id'> {
  reader.expectObject();
  const name = reader.string('name', { required: true, noSpaces: true }) ?? '';
  const claimType = reader.oneOf('claimType', ['RESOURCE', 'IDENTITY'] as const, 'RESOURCE');
  if (claimType === 'RESOURCE' && (RESERVED_CLAIMS as readonly string[]).includes(name)) {
    reader.problem(`'${name}' is a reserved claim name and cannot be customized`, 'name');
  }
  const valueType = reader.oneOf('valueType', ['EXPRESSION', 'GROUPS', 'SYSTEM'] as const, 'EXPRESSION');
  const value = reader.string('value', { required: valueType !== 'SYSTEM', trim: false }) ?? '';
  const conditions = reader.object('conditions');
  return {
    name,
    status: reader.oneOf('status', STATUSES, 'ACTIVE'),
    claimType,
    valueType,
    value,
    alwaysIncludeInToken: reader.boolean('alwaysIncludeInToken', true),
    scopes: conditions.strings('scopes'),
    groupFilterType: reader.oneOf('group_filter_type', ['STARTS_WITH', 'EQUALS', 'CONTAINS', 'REGEX'] as const),
    system: false,
  };
}

export type PolicyFields = Omit<PolicyRecord, 'id' | 'rules' | 'created' | 'lastUpdated' | 'priority'> & { priority: number | undefined };

export function readPolicy(reader: Reader): PolicyFields {
  reader.expectObject();
  reader.oneOf('type', ['OAUTH_AUTHORIZATION_POLICY'] as const, 'OAUTH_AUTHORIZATION_POLICY');
  const clients = reader.object('conditions').object('clients');
  return {
    name: reader.string('name', { required: true }) ?? '',
    description: reader.string('description', { fallback: '' }) ?? '',
    status: reader.oneOf('status', STATUSES, 'ACTIVE'),
    priority: reader.integer('priority', { min: 1, max: 10_000 }),
    clients: clients.strings('include', { required: true }),
    system: false,
  };
}

export type RuleFields = Omit<RuleRecord, 'id' | 'created' | 'lastUpdated' | 'priority'> & { priority: number | undefined };

/**
 * A policy rule. Convenience for seeds copied from the setup guide (whose reference rule has no
 * scope condition): a missing `conditions.scopes` means any scope (`["*"]`).
 */
export function readRule(reader: Reader): RuleFields {
  reader.expectObject();
  reader.oneOf('type', ['RESOURCE_ACCESS'] as const, 'RESOURCE_ACCESS');
  const conditions = reader.object('conditions');
  const people = conditions.object('people');
  const users = people.object('users');
  const groups = people.object('groups');
  const token = reader.object('actions').object('token');
  const hook = token.object('inlineHook');
  return {
    name: reader.string('name', { required: true }) ?? '',
    status: reader.oneOf('status', STATUSES, 'ACTIVE'),
    priority: reader.integer('priority', { min: 1, max: 10_000 }),
    grantTypes: conditions.object('grantTypes').strings('include', { required: true, allowed: KNOWN_GRANT_TYPES }),
    scopes: conditions.object('scopes').strings('include', { fallback: ['*'] }),
    people: {
      users: { include: users.strings('include'), exclude: users.strings('exclude') },
      groups: { include: groups.strings('include', { fallback: ['EVERYONE'] }), exclude: groups.strings('exclude') },
    },
    accessTokenLifetimeMinutes: token.integer('accessTokenLifetimeMinutes', { min: 5, max: 1440 }, 60),
    refreshTokenLifetimeMinutes: token.integer('refreshTokenLifetimeMinutes', { min: 0, max: 5_256_000 }, 0),
    refreshTokenWindowMinutes: token.integer('refreshTokenWindowMinutes', { min: 5, max: 5_256_000 }, 10_080),
    inlineHookId: hook.string('id'),
    system: false,
  };
}

export type AppFields = Omit<AppRecord, 'id' | 'created' | 'lastUpdated' | 'clientId' | 'clientSecret' | 'status' | 'grants'> & {
  clientId: string | undefined;
  clientSecret: string | undefined;
  status: LifecycleStatus;
};

/**
 * An OAuth 2.0 app (`signOnMode: OPENID_CONNECT`, `name: oidc_client`). Conveniences for seeds
 * copied from the setup guide: `name` may hold the label (the guide writes "Finance Agent"
 * there), `signOnMode` defaults to OPENID_CONNECT, and a `client_secret` made only of `*`
 * (the guide's placeholder) counts as absent.
 */
export function readApp(reader: Reader, options: { seed: boolean }): AppFields {
  reader.expectObject();
  const signOnMode = reader.string('signOnMode', { required: !options.seed, fallback: 'OPENID_CONNECT' });
  if (signOnMode !== undefined && signOnMode !== 'OPENID_CONNECT') {
    reader.problem(`the sandbox has OAuth 2.0 apps only (OPENID_CONNECT), not ${signOnMode}`, 'signOnMode');
  }
  const name = reader.string('name', { required: !options.seed });
  let label: string | undefined;
  if (options.seed && !reader.has('label') && name && name !== 'oidc_client') {
    label = name;
  } else {
    label = reader.string('label', { required: true });
    if (!options.seed && name !== undefined && name !== 'oidc_client') reader.problem("'name' must be oidc_client for an OAuth 2.0 app", 'name');
  }

  const credentials = reader.object('credentials').object('oauthClient');
  const settings = reader.object('settings').object('oauthClient');
  const authMethod = credentials.oneOf('token_endpoint_auth_method', CLIENT_AUTH_METHODS, 'client_secret_basic');
  let secret = credentials.string('client_secret', { trim: false });
  if (secret !== undefined && /^\*+$/.test(secret)) secret = undefined;
  if (secret !== undefined && (secret.length < 14 || /\s/.test(secret))) {
    credentials.problem('must be at least 14 characters without white space', 'client_secret');
  }
  const jwks = readJwks(settings);
  if (authMethod === 'private_key_jwt' && !jwks?.length) {
    settings.problem("jwks is required when token_endpoint_auth_method is 'private_key_jwt'", 'jwks');
  }
  return {
    label: label ?? '',
    status: reader.oneOf('status', STATUSES, 'ACTIVE'),
    clientId: credentials.string('client_id', { noSpaces: true }),
    clientSecret: secret,
    authMethod,
    pkceRequired: credentials.boolean('pkce_required', false),
    grantTypes: settings.strings('grant_types', { required: true, allowed: KNOWN_GRANT_TYPES }),
    responseTypes: settings.strings('response_types', { fallback: ['token'] }),
    redirectUris: readRedirectUris(settings),
    applicationType: settings.oneOf('application_type', APPLICATION_TYPES, 'service'),
    dpopBound: settings.boolean('dpop_bound_access_tokens', false),
    jwks,
  };
}

/**
 * `redirect_uris`: absolute URLs without a fragment (RFC 6749 §3.1.2); http only on loopback
 * (RFC 8252 §7.3), or any private-use scheme (`vscode://…`, RFC 8252 §7.1).
 */
function readRedirectUris(settings: Reader): string[] {
  const uris = settings.strings('redirect_uris');
  for (const uri of uris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      settings.problem(`"${uri.slice(0, 200)}" is not an absolute URI`, 'redirect_uris');
      continue;
    }
    if (url.hash) settings.problem(`"${uri.slice(0, 200)}" must not have a fragment`, 'redirect_uris');
    if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) settings.problem(`"${uri.slice(0, 200)}" must use https (http only on loopback)`, 'redirect_uris');
  }
  return uris;
}

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function readJwks(settings: Reader): JWK[] | undefined {
  if (settings.has('jwks_uri')) settings.problem('the sandbox cannot fetch keys; register them in jwks.keys instead', 'jwks_uri');
  if (!settings.has('jwks')) return undefined;
  const jwks = settings.object('jwks');
  const keys: JWK[] = [];
  for (const key of jwks.items('keys')) {
    const value = key.value;
    if (!isRecord(value)) {
      key.problem('must be a JWK object');
      continue;
    }
    if (value.kty !== 'RSA' && value.kty !== 'EC') key.problem("kty must be 'RSA' or 'EC'");
    else if (value.d !== undefined) key.problem('must be a public key (it has a private part "d")');
    else keys.push(value);
  }
  return keys;
}

export interface UserFields {
  status: UserStatus;
  profile: UserProfile;
  password: string | undefined;
}

/**
 * A user: `profile.firstName`, `lastName`, `email` and `login` (default: the email), and optionally
 * `credentials.password.value` (Okta's shape for creating a user with a password).
 */
export function readUser(reader: Reader, options: { status: UserStatus }): UserFields {
  reader.expectObject();
  const profile = reader.object('profile');
  const email = profile.string('email', { required: true, noSpaces: true }) ?? '';
  const login = profile.string('login', { fallback: email, noSpaces: true }) ?? email;
  const extra: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(profile.record)) {
    if (typeof value === 'string' || value === null) extra[key] = value;
  }
  const password = reader.object('credentials').object('password').string('value', { trim: false });
  if (password !== undefined && (password.length < 8 || password.length > 256)) reader.problem('must be 8 to 256 characters', 'credentials.password.value');
  return {
    password,
    status: reader.oneOf('status', ['STAGED', 'PROVISIONED', 'ACTIVE', 'SUSPENDED', 'DEPROVISIONED'] as const, options.status),
    profile: {
      ...extra,
      firstName: profile.string('firstName', { required: true }) ?? '',
      lastName: profile.string('lastName', { required: true }) ?? '',
      email,
      login,
    },
  };
}

export function readGroup(reader: Reader): { name: string; description: string } {
  reader.expectObject();
  const profile = reader.object('profile');
  return {
    name: profile.string('name', { required: true }) ?? '',
    description: profile.string('description', { fallback: '' }) ?? '',
  };
}

export type InlineHookFields = Omit<InlineHookRecord, 'id' | 'created' | 'lastUpdated' | 'status' | 'channel'> & {
  status: LifecycleStatus;
  channel: Omit<InlineHookRecord['channel'], 'auth'> & { auth: { key: string; value: string | undefined } | undefined };
};

/** Headers Okta sets itself on a hook call; a hook may not override them. */
const RESERVED_HOOK_HEADERS = ['accept', 'content-type', 'content-length', 'host', 'connection', 'transfer-encoding'];

/**
 * An inline hook: `name`, `type`, `version`, and an HTTP `channel` whose `config` has the `uri`
 * Okta calls, `method` POST, extra `headers`, and `authScheme` {type HEADER, key, value}. The URI
 * must be https, as Okta requires, or (the sandbox's allowance for local development) http on a
 * loopback address. OAuth 2.0 channels (`type: OAUTH`) are not emulated. On a replace, an
 * `authScheme` without `value` keeps the secret (Okta never shows it, so a GET body cannot carry it).
 */
export function readInlineHook(reader: Reader): InlineHookFields {
  reader.expectObject();
  const name = reader.string('name', { required: true }) ?? '';
  if (name.length > 255) reader.problem('must be 1 to 255 characters', 'name');
  const type = reader.oneOf('type', INLINE_HOOK_TYPES);
  if (type === undefined && !reader.has('type')) reader.problem('The field cannot be left blank', 'type');
  const version = reader.string('version', { required: true }) ?? '';
  if (version && version !== '1.0.0') reader.problem("'version' is invalid. Valid values: [1.0.0].", 'version');
  const channel = reader.object('channel');
  const channelType = channel.string('type', { required: true });
  if (channelType === 'OAUTH') channel.problem('the sandbox emulates HTTP channels with header authentication only, not OAUTH', 'type');
  else if (channelType !== undefined && channelType !== 'HTTP') channel.problem("'type' is invalid. Valid values: [HTTP, OAUTH].", 'type');
  const channelVersion = channel.string('version', { required: true }) ?? '';
  const config = channel.object('config');
  const uri = config.string('uri', { required: true, noSpaces: true }) ?? '';
  if (uri) checkHookUri(uri, config);
  const method = config.string('method', { fallback: 'POST' });
  if (method !== 'POST') config.problem("'method' is invalid. Valid values: [POST].", 'method');
  const headers: { key: string; value: string }[] = [];
  for (const header of config.items('headers')) {
    const key = header.string('key', { required: true }) ?? '';
    const value = header.string('value', { required: true, trim: false }) ?? '';
    if (key && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) header.problem('must be an HTTP header name', 'key');
    else if (RESERVED_HOOK_HEADERS.includes(key.toLowerCase())) header.problem(`${key} is set by Okta and cannot be configured`, 'key');
    if (/[\r\n]/.test(value)) header.problem('must be one line', 'value');
    headers.push({ key, value });
  }
  let auth: { key: string; value: string | undefined } | undefined;
  if (config.has('authScheme')) {
    const scheme = config.object('authScheme');
    const schemeType = scheme.string('type', { required: true });
    if (schemeType !== undefined && schemeType.toUpperCase() !== 'HEADER') scheme.problem("'type' is invalid. Valid values: [HEADER].", 'type');
    const key = scheme.string('key', { required: true }) ?? '';
    if (key && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) scheme.problem('must be an HTTP header name', 'key');
    const value = scheme.string('value', { trim: false });
    if (value !== undefined && (!value || /[\r\n]/.test(value))) scheme.problem('must be one non-empty line', 'value');
    auth = { key, value };
  }
  return {
    name,
    type: type ?? 'com.okta.oauth2.tokens.transform',
    version,
    status: reader.oneOf('status', STATUSES, 'ACTIVE'),
    channel: { version: channelVersion, uri, headers, auth },
  };
}

function checkHookUri(uri: string, config: Reader): void {
  if (uri.length > 1024) {
    config.problem('must be at most 1024 characters', 'uri');
    return;
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    config.problem('must be an absolute https URL', 'uri');
    return;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) config.problem('must begin with https:// (the sandbox also allows http:// on loopback)', 'uri');
  if (url.username || url.password) config.problem('must not carry credentials', 'uri');
}
