/** The Management API's JSON for each record, in Okta's shapes (with `_links`). */
import type { SigningKey } from './keys';
import type { AppRecord, AuthServerRecord, ClaimRecord, GrantRecord, GroupRecord, InlineHookRecord, PolicyRecord, RuleRecord, ScopeRecord, UserRecord } from './model';

type Json = Record<string, unknown>;

function isoSeconds(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

function href(url: string, extra: Json = {}): Json {
  return { href: url, ...extra };
}

/** The issuer of an authorization server: `{orgUrl}/oauth2/{id}`. */
export function issuerOf(orgUrl: string, server: Pick<AuthServerRecord, 'id'>): string {
  return `${orgUrl}/oauth2/${encodeURIComponent(server.id)}`;
}

/** An authorization server, with its issuer and signing key id. */
export function authServerJson(orgUrl: string, server: AuthServerRecord): Json {
  const self = `${orgUrl}/api/v1/authorizationServers/${server.id}`;
  const rotated = server.keys.lastRotated;
  return {
    id: server.id,
    name: server.name,
    description: server.description,
    audiences: [...server.audiences],
    issuer: issuerOf(orgUrl, server),
    issuerMode: server.issuerMode,
    status: server.status,
    // The sandbox's own member, so that a GET-modify-PUT keeps the setting.
    tokenExchange: { shape: server.tokenExchangeShape },
    created: server.created,
    lastUpdated: server.lastUpdated,
    credentials: {
      signing: {
        kid: server.keys.active.kid,
        ...(rotated !== undefined ? { lastRotated: isoSeconds(rotated) } : {}),
        rotationMode: 'AUTO',
        use: 'sig',
      },
    },
    _links: {
      self: href(self, { hints: { allow: ['GET', 'DELETE', 'PUT'] } }),
      claims: href(`${self}/claims`, { hints: { allow: ['GET', 'POST'] } }),
      policies: href(`${self}/policies`, { hints: { allow: ['GET', 'POST'] } }),
      scopes: href(`${self}/scopes`, { hints: { allow: ['GET', 'POST'] } }),
      keys: href(`${self}/credentials/keys`, { hints: { allow: ['GET'] } }),
      metadata: [href(`${issuerOf(orgUrl, server)}/.well-known/oauth-authorization-server`, { hints: { allow: ['GET'] } })],
      [server.status === 'ACTIVE' ? 'deactivate' : 'activate']: href(
        `${self}/lifecycle/${server.status === 'ACTIVE' ? 'deactivate' : 'activate'}`,
        { hints: { allow: ['POST'] } },
      ),
    },
  };
}

/** A key as `GET …/credentials/keys` lists it: the public JWK with its status. */
export function keyJson(orgUrl: string, server: AuthServerRecord, key: SigningKey): Json {
  return {
    status: key.status,
    ...key.jwk,
    _links: { self: href(`${orgUrl}/api/v1/authorizationServers/${server.id}/credentials/keys/${key.kid}`, { hints: { allow: ['GET'] } }) },
  };
}

/** A scope of an authorization server. */
export function scopeJson(orgUrl: string, server: AuthServerRecord, scope: ScopeRecord): Json {
  return {
    id: scope.id,
    name: scope.name,
    ...(scope.displayName !== undefined ? { displayName: scope.displayName } : {}),
    ...(scope.description !== undefined ? { description: scope.description } : {}),
    system: scope.system,
    default: scope.default,
    metadataPublish: scope.metadataPublish,
    consent: scope.consent,
    optional: scope.optional,
    _links: { self: href(`${orgUrl}/api/v1/authorizationServers/${server.id}/scopes/${scope.id}`, { hints: { allow: ['GET', 'PUT', 'DELETE'] } }) },
  };
}

/** A custom claim of an authorization server. */
export function claimJson(orgUrl: string, server: AuthServerRecord, claim: ClaimRecord): Json {
  return {
    id: claim.id,
    name: claim.name,
    status: claim.status,
    claimType: claim.claimType,
    valueType: claim.valueType,
    value: claim.value,
    alwaysIncludeInToken: claim.alwaysIncludeInToken,
    conditions: { scopes: [...claim.scopes] },
    ...(claim.groupFilterType !== undefined ? { group_filter_type: claim.groupFilterType } : {}),
    system: claim.system,
    _links: { self: href(`${orgUrl}/api/v1/authorizationServers/${server.id}/claims/${claim.id}`, { hints: { allow: ['GET', 'PUT', 'DELETE'] } }) },
  };
}

/** An access policy (without its rules, as Okta lists policies). */
export function policyJson(orgUrl: string, server: AuthServerRecord, policy: PolicyRecord): Json {
  const self = `${orgUrl}/api/v1/authorizationServers/${server.id}/policies/${policy.id}`;
  const flip = policy.status === 'ACTIVE' ? 'deactivate' : 'activate';
  return {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    id: policy.id,
    status: policy.status,
    name: policy.name,
    description: policy.description,
    priority: policy.priority,
    system: policy.system,
    conditions: { clients: { include: [...policy.clients] } },
    created: policy.created,
    lastUpdated: policy.lastUpdated,
    _links: {
      self: href(self, { hints: { allow: ['GET', 'PUT', 'DELETE'] } }),
      rules: href(`${self}/rules`, { hints: { allow: ['GET', 'POST'] } }),
      [flip]: href(`${self}/lifecycle/${flip}`, { hints: { allow: ['POST'] } }),
    },
  };
}

/** A rule of an access policy. */
export function ruleJson(orgUrl: string, server: AuthServerRecord, policy: PolicyRecord, rule: RuleRecord): Json {
  const self = `${orgUrl}/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules/${rule.id}`;
  const flip = rule.status === 'ACTIVE' ? 'deactivate' : 'activate';
  return {
    type: 'RESOURCE_ACCESS',
    id: rule.id,
    status: rule.status,
    name: rule.name,
    priority: rule.priority,
    system: rule.system,
    created: rule.created,
    lastUpdated: rule.lastUpdated,
    conditions: {
      people: {
        users: { include: [...rule.people.users.include], exclude: [...rule.people.users.exclude] },
        groups: { include: [...rule.people.groups.include], exclude: [...rule.people.groups.exclude] },
      },
      grantTypes: { include: [...rule.grantTypes] },
      scopes: { include: [...rule.scopes] },
    },
    actions: {
      token: {
        accessTokenLifetimeMinutes: rule.accessTokenLifetimeMinutes,
        refreshTokenLifetimeMinutes: rule.refreshTokenLifetimeMinutes,
        refreshTokenWindowMinutes: rule.refreshTokenWindowMinutes,
        ...(rule.inlineHookId !== undefined ? { inlineHook: { id: rule.inlineHookId } } : {}),
      },
    },
    _links: {
      self: href(self, { hints: { allow: ['GET', 'PUT', 'DELETE'] } }),
      [flip]: href(`${self}/lifecycle/${flip}`, { hints: { allow: ['POST'] } }),
    },
  };
}

/**
 * An OAuth 2.0 app. The secret is shown (as Okta shows it to API callers) only when the auth
 * method uses one.
 */
export function appJson(orgUrl: string, app: AppRecord): Json {
  const self = `${orgUrl}/api/v1/apps/${app.id}`;
  const usesSecret = app.authMethod !== 'private_key_jwt' && app.authMethod !== 'none';
  return {
    id: app.id,
    name: 'oidc_client',
    label: app.label,
    status: app.status,
    created: app.created,
    lastUpdated: app.lastUpdated,
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: { autoSubmitToolbar: false, hide: { iOS: true, web: true }, appLinks: { oidc_client_link: false } },
    features: [],
    signOnMode: 'OPENID_CONNECT',
    credentials: {
      userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
      signing: {},
      oauthClient: {
        autoKeyRotation: true,
        client_id: app.clientId,
        ...(usesSecret ? { client_secret: app.clientSecret } : {}),
        token_endpoint_auth_method: app.authMethod,
        pkce_required: app.pkceRequired,
      },
    },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
      manualProvisioning: false,
      implicitAssignment: false,
      notes: { admin: null, enduser: null },
      oauthClient: {
        client_uri: null,
        logo_uri: null,
        redirect_uris: [...app.redirectUris],
        response_types: [...app.responseTypes],
        grant_types: [...app.grantTypes],
        application_type: app.applicationType,
        consent_method: 'REQUIRED',
        issuer_mode: 'DYNAMIC',
        dpop_bound_access_tokens: app.dpopBound,
        ...(app.jwks ? { jwks: { keys: app.jwks.map((key) => ({ ...key })) } } : {}),
      },
    },
    _links: {
      self: href(self),
      users: href(`${self}/users`),
      groups: href(`${self}/groups`),
      [app.status === 'ACTIVE' ? 'deactivate' : 'activate']: href(`${self}/lifecycle/${app.status === 'ACTIVE' ? 'deactivate' : 'activate'}`),
    },
  };
}

/** A user. */
/** An Okta API scope grant of an app (`OAuth2ScopeConsentGrant`); its issuer is the org URL. */
export function grantJson(orgUrl: string, app: AppRecord, grant: GrantRecord): Json {
  const appUrl = `${orgUrl}/api/v1/apps/${app.id}`;
  return {
    id: grant.id,
    status: 'ACTIVE',
    created: grant.created,
    lastUpdated: grant.lastUpdated,
    issuer: orgUrl,
    clientId: app.clientId,
    scopeId: grant.scopeId,
    source: 'ADMIN',
    _embedded: { scope: { id: grant.scopeId } },
    _links: {
      app: href(appUrl, { title: app.label }),
      self: href(`${appUrl}/grants/${grant.id}`, { hints: { allow: ['GET', 'DELETE'] } }),
      client: href(`${orgUrl}/oauth2/v1/clients/${app.clientId}`, { title: app.label }),
    },
  };
}

export function userJson(orgUrl: string, user: UserRecord): Json {
  return {
    id: user.id,
    status: user.status,
    created: user.created,
    activated: user.activated,
    statusChanged: user.statusChanged,
    lastLogin: null,
    lastUpdated: user.lastUpdated,
    passwordChanged: null,
    type: { id: 'oty1sandboxdefault0' },
    profile: { ...user.profile },
    // Okta shows that a password is set, never the password.
    credentials: { ...(user.password !== undefined ? { password: {} } : {}), provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: href(`${orgUrl}/api/v1/users/${user.id}`) },
  };
}

/** A group. */
export function groupJson(orgUrl: string, group: GroupRecord): Json {
  const self = `${orgUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: group.description },
    _links: { self: href(self), users: href(`${self}/users`), apps: href(`${self}/apps`) },
  };
}

/** An inline hook as Okta shows it: the `authScheme` without its `value` (the secret is never returned). */
export function inlineHookJson(orgUrl: string, hook: InlineHookRecord): Json {
  const self = `${orgUrl}/api/v1/inlineHooks/${hook.id}`;
  const flip = hook.status === 'ACTIVE' ? 'deactivate' : 'activate';
  return {
    id: hook.id,
    status: hook.status,
    name: hook.name,
    type: hook.type,
    version: hook.version,
    channel: {
      type: 'HTTP',
      version: hook.channel.version,
      config: {
        uri: hook.channel.uri,
        headers: hook.channel.headers.map((header) => ({ ...header })),
        method: 'POST',
        ...(hook.channel.auth ? { authScheme: { type: 'HEADER', key: hook.channel.auth.key } } : {}),
      },
    },
    created: hook.created,
    lastUpdated: hook.lastUpdated,
    _links: {
      self: href(self, { hints: { allow: ['GET', 'PUT', 'DELETE'] } }),
      [flip]: href(`${self}/lifecycle/${flip}`, { hints: { allow: ['POST'] } }),
      execute: href(`${self}/execute`, { hints: { allow: ['POST'] } }),
    },
  };
}
