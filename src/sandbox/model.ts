/**
 * The in-memory org: the records the token endpoint reads and the Management API changes.
 * Times are ISO 8601 strings, as Okta writes them.
 */
import type { JWK } from 'jose';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from '../core';
import type { KeyRing } from './keys';

export type LifecycleStatus = 'ACTIVE' | 'INACTIVE';

/** Grant types Okta knows; only `client_credentials` is issued by the sandbox. */
export const KNOWN_GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'password',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'interaction_code',
] as const;

/** RFC 8693 token exchange: the grant type, and the one subject token type the sandbox (and Okta's on-behalf-of flow) accepts. */
export { ACCESS_TOKEN_TYPE };
export const TOKEN_EXCHANGE_GRANT = TOKEN_EXCHANGE_GRANT_TYPE;

/** What the sandbox issues tokens for: the agent's own grant, a person's sign-in (code with PKCE, password), and token exchange. */
export const SUPPORTED_GRANT_TYPES = ['client_credentials', 'authorization_code', 'password', TOKEN_EXCHANGE_GRANT] as const;

/**
 * Client authentication methods the sandbox implements; `none` is a public client (a native app
 * signing people in with PKCE), which sends only its `client_id`.
 */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

export const APPLICATION_TYPES = ['service', 'web', 'native', 'browser'] as const;

/**
 * The Okta API scopes the sandbox knows: what the org authorization server issues and the
 * Management API checks, by resource family (`read` for GET, `manage` for everything).
 */
export const OKTA_API_SCOPES = [
  'okta.authorizationServers.read',
  'okta.authorizationServers.manage',
  'okta.apps.read',
  'okta.apps.manage',
  'okta.appGrants.read',
  'okta.appGrants.manage',
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.read',
  'okta.groups.manage',
  'okta.inlineHooks.read',
  'okta.inlineHooks.manage',
] as const;
export type OktaApiScope = (typeof OKTA_API_SCOPES)[number];

/** An Okta API scope granted to an app (`/api/v1/apps/{appId}/grants`), for the org authorization server. */
export interface GrantRecord {
  id: string;
  scopeId: OktaApiScope;
  created: string;
  lastUpdated: string;
}

export interface ScopeRecord {
  id: string;
  name: string;
  displayName: string | undefined;
  description: string | undefined;
  consent: 'REQUIRED' | 'IMPLICIT' | 'FLEXIBLE';
  default: boolean;
  metadataPublish: 'ALL_CLIENTS' | 'NO_CLIENTS';
  optional: boolean;
  system: boolean;
}

export interface ClaimRecord {
  id: string;
  name: string;
  status: LifecycleStatus;
  claimType: 'RESOURCE' | 'IDENTITY';
  valueType: 'EXPRESSION' | 'GROUPS' | 'SYSTEM';
  value: string;
  alwaysIncludeInToken: boolean;
  /** Empty (or `["*"]`): any scope. */
  scopes: string[];
  groupFilterType: string | undefined;
  system: boolean;
}

export interface RuleRecord {
  id: string;
  name: string;
  status: LifecycleStatus;
  priority: number;
  grantTypes: string[];
  /** `["*"]`: any scope. */
  scopes: string[];
  people: { users: { include: string[]; exclude: string[] }; groups: { include: string[]; exclude: string[] } };
  accessTokenLifetimeMinutes: number;
  refreshTokenLifetimeMinutes: number;
  refreshTokenWindowMinutes: number;
  inlineHookId: string | undefined;
  system: boolean;
  created: string;
  lastUpdated: string;
}

export interface PolicyRecord {
  id: string;
  name: string;
  description: string;
  status: LifecycleStatus;
  priority: number;
  /** Client ids, or `ALL_CLIENTS`. */
  clients: string[];
  rules: RuleRecord[];
  system: boolean;
  created: string;
  lastUpdated: string;
}

/**
 * How token exchange names the two parties: `okta`, Okta's on-behalf-of token (`sub` the user's
 * login, `uid` their id, `cid` the exchanging app, no `act`); `rfc8693`, RFC 8693's actor claim
 * (`sub` the user's id, `act.sub` the exchanging app, nested `act` for a chain), the orientation of
 * Okta's AI-agent features. The sandbox's own setting: Okta has no such switch on a server.
 */
export const TOKEN_EXCHANGE_SHAPES = ['okta', 'rfc8693'] as const;
export type TokenExchangeShape = (typeof TOKEN_EXCHANGE_SHAPES)[number];

export interface AuthServerRecord {
  id: string;
  name: string;
  description: string;
  audiences: string[];
  status: LifecycleStatus;
  issuerMode: string;
  tokenExchangeShape: TokenExchangeShape;
  scopes: ScopeRecord[];
  claims: ClaimRecord[];
  policies: PolicyRecord[];
  keys: KeyRing;
  created: string;
  lastUpdated: string;
}

export interface AppRecord {
  id: string;
  label: string;
  status: LifecycleStatus;
  clientId: string;
  /** Kept for every app; shown only when the auth method uses it. */
  clientSecret: string;
  authMethod: ClientAuthMethod;
  grantTypes: string[];
  responseTypes: string[];
  /** Where a person's browser may be sent back with an authorization code (`settings.oauthClient.redirect_uris`). */
  redirectUris: string[];
  applicationType: (typeof APPLICATION_TYPES)[number];
  /** Public keys registered for `private_key_jwt` (`settings.oauthClient.jwks.keys`). */
  jwks: JWK[] | undefined;
  pkceRequired: boolean;
  /** `settings.oauthClient.dpop_bound_access_tokens`: token requests must carry a DPoP proof. */
  dpopBound: boolean;
  /** Okta API scopes granted to the app (the org authorization server issues only these). */
  grants: GrantRecord[];
  created: string;
  lastUpdated: string;
}

export type UserStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'LOCKED_OUT' | 'SUSPENDED' | 'DEPROVISIONED';

export interface UserProfile {
  firstName: string;
  lastName: string;
  email: string;
  login: string;
  [attribute: string]: string | null;
}

export interface UserRecord {
  id: string;
  status: UserStatus;
  profile: UserProfile;
  /** The password set with `credentials.password.value`; without one the sandbox's development password signs the user in. Never shown. */
  password: string | undefined;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastUpdated: string;
}

export interface GroupRecord {
  id: string;
  /** `BUILT_IN` is the Everyone group, whose members are all users. */
  type: 'OKTA_GROUP' | 'BUILT_IN';
  name: string;
  description: string;
  members: Set<string>;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
}

/** The inline hook types Okta knows; the sandbox calls only token hooks (`com.okta.oauth2.tokens.transform`). */
export const INLINE_HOOK_TYPES = [
  'com.okta.oauth2.tokens.transform',
  'com.okta.import.transform',
  'com.okta.saml.tokens.transform',
  'com.okta.user.pre-registration',
  'com.okta.user.credential.password.import',
  'com.okta.telephony.provider',
] as const;
export type InlineHookType = (typeof INLINE_HOOK_TYPES)[number];

/** An inline hook (`/api/v1/inlineHooks`): an HTTP channel with header authentication. */
export interface InlineHookRecord {
  id: string;
  name: string;
  status: LifecycleStatus;
  type: InlineHookType;
  version: string;
  channel: {
    version: string;
    uri: string;
    headers: { key: string; value: string }[];
    /** `authScheme`: the header (usually Authorization) and the secret Okta sends in it; never shown. */
    auth: { key: string; value: string } | undefined;
  };
  created: string;
  lastUpdated: string;
}
