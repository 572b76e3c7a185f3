/**
 * Okta's JSON shapes, read into the sandbox's records. The same readers serve a `--seed` file
 * and Management API bodies, so both accept exactly what Okta's API accepts (plus a few
 * conveniences for seeds, noted where they are).
 */
import type { JWK } from 'jose';
import { isRecord } from '../core';
import {
  APPLICATION_TYPES,
  type AppRecord,
  type ClaimRecord,
  CLIENT_AUTH_METHODS,
  KNOWN_GRANT_TYPES,
  type LifecycleStatus,
  type PolicyRecord,
  type RuleRecord,
  type ScopeRecord,
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
    applicationType: settings.oneOf('application_type', APPLICATION_TYPES, 'service'),
    dpopBound: settings.boolean('dpop_bound_access_tokens', false),
    jwks,
  };
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
}

/** A user: `profile.firstName`, `lastName`, `email` and `login` (default: the email). */
export function readUser(reader: Reader, options: { status: UserStatus }): UserFields {
  reader.expectObject();
  const profile = reader.object('profile');
  const email = profile.string('email', { required: true, noSpaces: true }) ?? '';
  const login = profile.string('login', { fallback: email, noSpaces: true }) ?? email;
  const extra: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(profile.record)) {
    if (typeof value === 'string' || value === null) extra[key] = value;
  }
  return {
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
