/**
 * The sandbox's starting org: by default the setup guide's example org (steps 1-7), or a
 * `--seed` JSON document of the same shape. The document is checked completely before anything
 * is built, and every problem is reported with its path.
 *
 * Shape (every `id` is optional; Okta-style ids are generated when absent):
 * ```
 * { "authorizationServers": [{ "id", "name", "description", "audiences": [..], "status", "tokenExchange": { "shape": "okta" | "rfc8693" },
 *       "scopes": [{ "name", "displayName", "description", "default" }],
 *       "claims": [{ "name", "claimType", "valueType", "value", "status", "conditions": { "scopes": [] } }],
 *       "policies": [{ "name", "status", "priority", "conditions": { "clients": { "include": [client ids] } },
 *                      "rules": [{ "name", "conditions": { "grantTypes": { "include": [..] }, "scopes": { "include": ["*"] } },
 *                                  "actions": { "token": { "accessTokenLifetimeMinutes": 60 } } }] }] }],
 *   "apps": [{ "label", "credentials": { "oauthClient": { "client_id", "client_secret", "token_endpoint_auth_method" } },
 *              "settings": { "oauthClient": { "grant_types": [..], "application_type": "service", "jwks": { "keys": [..] }, "redirect_uris": [..] } },
 *              "grantedScopes": ["okta.users.read", ..] }],   (the sandbox's convenience: Okta API scopes granted to the app)
 *   "users": [{ "id", "status", "profile": { "firstName", "lastName", "email", "login" }, "credentials": { "password": { "value" } } }],
 *   "groups": [{ "id", "profile": { "name", "description" }, "members": [user ids or logins] }],
 *   "inlineHooks": [{ "id", "name", "type", "version", "status", "channel": { "type": "HTTP", "version", "config": { "uri", "headers", "authScheme" } } }] }
 * A rule names a token inline hook with `actions.token.inlineHook.id`.
 * ```
 */
import { isRecord } from '../core';
import { SeedError } from './errors';
import { ID_PREFIX, newId } from './ids';
import { ALL_CLIENTS, Org } from './org';
import { describeProblem, Reader } from './reader';
import {
  type AppFields,
  type AuthServerFields,
  type InlineHookFields,
  type PolicyFields,
  readApp,
  readAuthServer,
  readInlineHook,
  readClaim,
  readGroup,
  readPolicy,
  readRule,
  readScope,
  readUser,
  type RuleFields,
  type UserFields,
} from './shapes';
import { type ClaimRecord, OKTA_API_SCOPES, type OktaApiScope, type ScopeRecord, TOKEN_EXCHANGE_GRANT } from './model';

/** The ids of the default seed, for demos and tests. */
export const DEFAULT_IDS = {
  authServerId: 'aus123abc456',
  audience: 'https://api.example.com/finance',
  clientId: '0oa123abc456xyz',
  /**
   * Alice Smith: ACTIVE, in FinanceUsers. The users have ids of a real org's length (`00u` and 17
   * characters), unlike the guide's placeholder `00u123abc456xyz`, so tokens from the sandbox raise
   * no AGBAC033 (act-sub-unusual-length) and a first run is clean.
   */
  alice: '00ub0oNGTSWTBKOLGLNR',
  aliceLogin: 'alice@corp.example.com',
  /** Bob Jones: ACTIVE, not in FinanceUsers (the demo's DENY). */
  bob: '00uk7dXr2PqLmN4sT9vW',
  bobLogin: 'bob@corp.example.com',
  financeGroupId: '00g123abc456fin',
  financeGroup: 'FinanceUsers',
  policyId: '00p123abc456pol',
  ruleId: '0pr123abc456rul',
  actClaimId: 'ocl123abc456',
  /** The token inline hook of `defaultSeed({ actVia: 'hook' | 'both', hook })`. */
  hookId: 'cal123abc456hook',
  /** The rule of AGBAC-Policy that lets the agent exchange a person's token (RFC 8693). */
  exchangeRuleId: '0pr123abc456tex',
  /** The native app people sign in with (authorization code with PKCE, or the password grant): a public client. */
  signInClientId: '0oa7SignInAgbacDev01',
  signInPolicyId: '00p123abc456sgn',
  signInRuleId: '0pr123abc456sgn',
  /** The sign-in app's redirect URIs: loopback (any port, RFC 8252 §7.3) and VS Code's URI handler. */
  signInRedirectUris: ['http://127.0.0.1/callback', 'http://localhost/callback', 'vscode://agbac.agbac-toolkit/signin'],
} as const;

/** How the default org puts `act` into access tokens. */
export interface DefaultSeedOptions {
  /**
   * `expression` (default): the guide's claim `act` = `clientAssertion.claims.act`; `hook`: a token
   * inline hook on the guide's rule, and no `act` claim; `both`: the claim and the hook.
   */
  readonly actVia?: 'expression' | 'hook' | 'both';
  /** The hook to register (needed for `hook` and `both`): its URI and the `Authorization` secret Okta sends it. */
  readonly hook?: { readonly uri: string; readonly secret: string };
  /** How exchanged tokens name the two parties: Okta's on-behalf-of shape (default) or RFC 8693's `act`. */
  readonly tokenExchange?: 'okta' | 'rfc8693';
}

/**
 * A fresh copy of the default seed: the setup guide's org, plus Bob (not in FinanceUsers), a native
 * sign-in app with its own policy, and token exchange for the agent (the grant on the app, a rule
 * on its policy). With `actVia`, `act` comes from the guide's claim expression, a token inline
 * hook, or both.
 */
export function defaultSeed(options: DefaultSeedOptions = {}): Record<string, unknown> {
  const ids = DEFAULT_IDS;
  const actVia = options.actVia ?? 'expression';
  const hook = actVia === 'expression' ? undefined : options.hook;
  if (actVia !== 'expression' && !hook) throw new TypeError(`defaultSeed: actVia ${actVia} needs the hook's uri and secret`);
  const claims = actVia === 'hook' ? [] : undefined;
  const seed: Record<string, unknown> = {
    authorizationServers: [
      {
        id: ids.authServerId,
        name: 'AGBAC-AS',
        description: 'Authorization Server for AGBAC dual-subject authorization',
        audiences: [ids.audience],
        status: 'ACTIVE',
        ...(options.tokenExchange === 'rfc8693' ? { tokenExchange: { shape: 'rfc8693' } } : {}),
        scopes: [
          { id: 'scp123abc456read', name: 'finance.read', displayName: 'Read Finance Data', description: 'Allows reading finance system data' },
          { id: 'scp123abc456writ', name: 'finance.write', displayName: 'Write Finance Data', description: 'Allows writing finance system data' },
        ],
        claims: [
          {
            id: ids.actClaimId,
            name: 'act',
            status: 'ACTIVE',
            claimType: 'RESOURCE',
            valueType: 'EXPRESSION',
            value: 'clientAssertion.claims.act',
            alwaysIncludeInToken: false,
            conditions: { scopes: [] },
          },
        ],
        policies: [
          {
            id: ids.policyId,
            name: 'AGBAC-Policy',
            description: 'Access policy for AGBAC dual-subject authorization',
            status: 'ACTIVE',
            priority: 1,
            conditions: { clients: { include: [ids.clientId] } },
            rules: [
              {
                id: ids.ruleId,
                name: 'Allow Client Credentials with Act',
                status: 'ACTIVE',
                priority: 1,
                conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: ['*'] } },
                actions: {
                  token: {
                    accessTokenLifetimeMinutes: 60,
                    refreshTokenLifetimeMinutes: 0,
                    refreshTokenWindowMinutes: 10080,
                    ...(hook ? { inlineHook: { id: ids.hookId } } : {}),
                  },
                },
              },
              {
                id: ids.exchangeRuleId,
                name: 'Allow Token Exchange',
                status: 'ACTIVE',
                priority: 2,
                conditions: { grantTypes: { include: [TOKEN_EXCHANGE_GRANT] }, scopes: { include: ['*'] }, people: { groups: { include: ['EVERYONE'] } } },
                actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
              },
            ],
          },
          {
            id: ids.signInPolicyId,
            name: 'AGBAC Sign-In Policy',
            description: 'People sign in to the AGBAC sign-in app, so that an agent can exchange their token',
            status: 'ACTIVE',
            priority: 2,
            conditions: { clients: { include: [ids.signInClientId] } },
            rules: [
              {
                id: ids.signInRuleId,
                name: 'Sign people in',
                status: 'ACTIVE',
                priority: 1,
                conditions: { grantTypes: { include: ['authorization_code', 'password'] }, scopes: { include: ['*'] }, people: { groups: { include: ['EVERYONE'] } } },
                actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
              },
            ],
          },
        ],
      },
    ],
    apps: [
      {
        id: ids.clientId,
        name: 'oidc_client',
        label: 'Finance Agent',
        signOnMode: 'OPENID_CONNECT',
        status: 'ACTIVE',
        credentials: { oauthClient: { client_id: ids.clientId, token_endpoint_auth_method: 'client_secret_jwt' } },
        settings: { oauthClient: { grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT], response_types: ['token'], application_type: 'service' } },
      },
      {
        id: ids.signInClientId,
        name: 'oidc_client',
        label: 'AGBAC Sign-In',
        signOnMode: 'OPENID_CONNECT',
        status: 'ACTIVE',
        credentials: { oauthClient: { client_id: ids.signInClientId, token_endpoint_auth_method: 'none', pkce_required: true } },
        settings: {
          oauthClient: {
            grant_types: ['authorization_code', 'password'],
            response_types: ['code'],
            application_type: 'native',
            redirect_uris: [...ids.signInRedirectUris],
          },
        },
      },
    ],
    users: [
      {
        id: ids.alice,
        status: 'ACTIVE',
        profile: { firstName: 'Alice', lastName: 'Smith', email: ids.aliceLogin, login: ids.aliceLogin },
      },
      {
        id: ids.bob,
        status: 'ACTIVE',
        profile: { firstName: 'Bob', lastName: 'Jones', email: ids.bobLogin, login: ids.bobLogin },
      },
    ],
    groups: [
      {
        id: ids.financeGroupId,
        profile: { name: ids.financeGroup, description: 'People allowed to use the finance API' },
        members: [ids.alice],
      },
    ],
  };
  const server = (seed.authorizationServers as Record<string, unknown>[])[0];
  if (claims && server) server.claims = claims;
  if (hook) {
    seed.inlineHooks = [
      {
        id: ids.hookId,
        name: 'AGBAC act hook',
        type: 'com.okta.oauth2.tokens.transform',
        version: '1.0.0',
        channel: { type: 'HTTP', version: '1.0.0', config: { uri: hook.uri, method: 'POST', authScheme: { type: 'HEADER', key: 'Authorization', value: hook.secret } } },
      },
    ];
  }
  return seed;
}

interface Planned<T> {
  readonly id: string;
  readonly fields: T;
}

interface ServerPlan extends Planned<AuthServerFields> {
  readonly scopes: Planned<Omit<ScopeRecord, 'id'>>[];
  readonly claims: Planned<Omit<ClaimRecord, 'id'>>[];
  readonly policies: (Planned<PolicyFields> & { readonly rules: Planned<RuleFields>[] })[];
}

/** A checked seed, ready to build. */
interface AppPlan extends Planned<AppFields> {
  /** Okta API scopes granted to the app (`grantedScopes`). */
  readonly grants: readonly OktaApiScope[];
}

export interface SeedPlan {
  readonly inlineHooks: readonly Planned<InlineHookFields>[];
  readonly servers: readonly ServerPlan[];
  readonly apps: readonly AppPlan[];
  readonly users: readonly Planned<UserFields>[];
  readonly groups: readonly (Planned<{ name: string; description: string }> & { readonly members: readonly string[] })[];
}

const TOP_LEVEL = ['authorizationServers', 'apps', 'users', 'groups', 'inlineHooks'];

/**
 * Checks a seed document (already parsed from JSON). Throws a {@link SeedError} listing every
 * problem, each with its path (e.g. `apps[0].settings.oauthClient.grant_types`).
 */
export function parseSeed(document: unknown): SeedPlan {
  const root = new Reader(document);
  if (!isRecord(document)) throw new SeedError(['the seed must be a JSON object with "authorizationServers" and "apps"']);
  for (const key of Object.keys(document)) {
    if (!TOP_LEVEL.includes(key)) root.problem(`unknown member (expected ${TOP_LEVEL.join(', ')})`, key);
  }
  const ids = new IdCheck(root);

  const apps = root.items('apps').map((reader) => ({
    id: ids.take(reader, ID_PREFIX.app),
    fields: readApp(reader, { seed: true }),
    grants: reader.strings('grantedScopes', { allowed: OKTA_API_SCOPES }) as OktaApiScope[],
  }));
  if (!apps.length) root.problem('must list at least one app (the agent)', 'apps');
  const clientIds = new Set<string>();
  apps.forEach((app, index) => {
    const clientId = app.fields.clientId ?? app.id;
    if (clientIds.has(clientId)) root.problem(`client_id "${clientId}" is used twice`, `apps[${index}]`);
    clientIds.add(clientId);
  });

  const inlineHooks = root.items('inlineHooks').map((reader) => {
    const fields = readInlineHook(reader);
    if (fields.channel.auth && fields.channel.auth.value === undefined) reader.problem('The field cannot be left blank', 'channel.config.authScheme.value');
    return { id: ids.take(reader, ID_PREFIX.inlineHook), fields };
  });
  unique(root, 'inlineHooks', inlineHooks.map((hook) => `hook ${hook.fields.name}`), 'an inline hook named');
  const tokenHooks = new Set(inlineHooks.filter((hook) => hook.fields.type === 'com.okta.oauth2.tokens.transform').map((hook) => hook.id));

  const servers = root.items('authorizationServers').map((reader) => planServer(reader, ids, clientIds, tokenHooks));
  if (!servers.length) root.problem('must list at least one authorization server', 'authorizationServers');

  const users = root.items('users').map((reader) => ({ id: ids.take(reader, ID_PREFIX.user), fields: readUser(reader, { status: 'ACTIVE' }) }));
  const logins = new Map<string, string>();
  users.forEach((user, index) => {
    const login = user.fields.profile.login.toLowerCase();
    if (logins.has(login)) root.problem(`login "${user.fields.profile.login}" is used twice`, `users[${index}].profile.login`);
    logins.set(login, user.id);
  });

  const groupNames = new Set(['everyone']);
  const groups = root.items('groups').map((reader) => {
    const id = ids.take(reader, ID_PREFIX.group);
    const fields = readGroup(reader);
    if (groupNames.has(fields.name.toLowerCase())) reader.problem(`a group named "${fields.name}" already exists`, 'profile.name');
    groupNames.add(fields.name.toLowerCase());
    const members = reader.strings('members').map((member) => {
      const userId = users.some((user) => user.id === member) ? member : logins.get(member.toLowerCase());
      if (!userId) reader.problem(`"${member}" is neither the id nor the login of a seeded user`, 'members');
      return userId ?? member;
    });
    return { id, fields, members };
  });

  if (!root.ok) throw new SeedError(root.problems.map(describeProblem));
  return { inlineHooks, servers, apps, users, groups };
}

function planServer(reader: Reader, ids: IdCheck, clientIds: ReadonlySet<string>, tokenHooks: ReadonlySet<string>): ServerPlan {
  const id = ids.take(reader, ID_PREFIX.authServer);
  const fields = readAuthServer(reader);
  const scopes = reader.items('scopes').map((scope) => ({ id: ids.take(scope, ID_PREFIX.scope), fields: readScope(scope) }));
  unique(reader, 'scopes', scopes.map((scope) => scope.fields.name), 'a scope named');
  const claims = reader.items('claims').map((claim) => ({ id: ids.take(claim, ID_PREFIX.claim), fields: readClaim(claim) }));
  unique(reader, 'claims', claims.map((claim) => `${claim.fields.claimType} ${claim.fields.name}`), 'a claim (type and name)');
  const policies = reader.items('policies').map((policy) => {
    const policyFields = readPolicy(policy);
    for (const clientId of policyFields.clients) {
      if (clientId !== ALL_CLIENTS && !clientIds.has(clientId)) {
        policy.problem(`"${clientId}" is not the client_id of a seeded app (or ALL_CLIENTS)`, 'conditions.clients.include');
      }
    }
    const rules = policy.items('rules').map((rule) => {
      const fields = readRule(rule);
      if (fields.inlineHookId !== undefined && !tokenHooks.has(fields.inlineHookId)) {
        rule.problem(`"${fields.inlineHookId}" is not the id of a seeded token inline hook`, 'actions.token.inlineHook.id');
      }
      return { id: ids.take(rule, ID_PREFIX.rule), fields };
    });
    return { id: ids.take(policy, ID_PREFIX.policy), fields: policyFields, rules };
  });
  return { id, fields, scopes, claims, policies };
}

function unique(reader: Reader, key: string, names: readonly string[], what: string): void {
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (seen.has(name)) reader.problem(`${what} "${name.replace(/^\S+ /, '')}" appears twice`, `${key}[${index}]`);
    seen.add(name);
  });
}

/** Given ids must be unique, non-empty and URL-safe; absent ids are generated. */
class IdCheck {
  private readonly seen = new Set<string>();

  constructor(private readonly root: Reader) {}

  take(reader: Reader, prefix: string): string {
    const given = reader.record.id;
    if (given === undefined) return newId(prefix);
    if (typeof given !== 'string' || !/^[A-Za-z0-9._~-]{1,100}$/.test(given)) {
      reader.problem('must be letters, digits, ".", "_", "~" or "-"', 'id');
      return newId(prefix);
    }
    if (this.seen.has(given)) this.root.problem(`the id "${given}" is used twice`, reader.path);
    this.seen.add(given);
    return given;
  }
}

/**
 * Builds the org of a checked seed. `clientSecret`, when given, becomes the first app's secret;
 * `userPassword` the password of every user the seed gives none (default: 20 random characters).
 * Generates each authorization server's signing key.
 */
export async function buildOrg(plan: SeedPlan, options: { now: () => number; clientSecret?: string; userPassword?: string }): Promise<Org> {
  const org = new Org(options.now, options.userPassword);
  for (const hook of plan.inlineHooks) org.addInlineHook(hook.fields, hook.id);
  plan.apps.forEach((app, index) => {
    const fields = index === 0 && options.clientSecret !== undefined ? { ...app.fields, clientSecret: options.clientSecret } : app.fields;
    const record = org.addApp(fields, app.id);
    for (const scope of app.grants) org.addGrant(record, scope);
  });
  for (const server of plan.servers) {
    const record = await org.addAuthServer(server.fields, server.id);
    for (const scope of server.scopes) org.addScope(record, scope.fields, scope.id);
    for (const claim of server.claims) org.addClaim(record, claim.fields, claim.id);
    for (const policy of server.policies) {
      const policyRecord = org.addPolicy(record, policy.fields, policy.id);
      for (const rule of policy.rules) org.addRule(policyRecord, rule.fields, rule.id);
    }
  }
  for (const user of plan.users) org.addUser(user.fields, user.id);
  for (const group of plan.groups) {
    const record = org.addGroup(group.fields, group.id);
    for (const member of group.members) record.members.add(member);
  }
  return org;
}
