/**
 * The org: every authorization server, app, user and group the sandbox knows, in memory. The
 * token endpoint reads it and the Management API changes it, so a change through the API
 * changes the next token. Validation of shapes lives in `shapes.ts`; the cross-record checks
 * (unique names, known clients) live here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ID_PREFIX, newClientSecret, newDevelopmentPassword, newId } from './ids';
import { ExpiringSet } from './expiring-set';
import { KeyRing } from './keys';
import type {
  AppRecord,
  AuthServerRecord,
  ClaimRecord,
  GrantRecord,
  GroupRecord,
  InlineHookRecord,
  OktaApiScope,
  PolicyRecord,
  RuleRecord,
  ScopeRecord,
  UserRecord,
} from './model';
import type { AppFields, AuthServerFields, InlineHookFields, PolicyFields, RuleFields, UserFields } from './shapes';

/** The id of the built-in Everyone group (every user is a member). */
const EVERYONE_GROUP_ID = '00geveryone000000000';

/** `ALL_CLIENTS` in a policy's client condition. */
export const ALL_CLIENTS = 'ALL_CLIENTS';

export class Org {
  readonly authServers = new Map<string, AuthServerRecord>();
  readonly apps = new Map<string, AppRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly inlineHooks = new Map<string, InlineHookRecord>();
  /** `clientId jti` of every assertion used, kept until its `exp`: until then the jti cannot be used again. */
  private readonly usedJtis = new ExpiringSet();
  /** The org's id (`00o…`), Okta's `idp` claim in ID tokens. */
  readonly orgId = newId(ID_PREFIX.org);

  /**
   * @param now the clock, in seconds since the epoch
   * @param developmentPassword signs in every user created without a password of their own
   */
  constructor(
    readonly now: () => number,
    readonly developmentPassword: string = newDevelopmentPassword(),
  ) {
    const created = this.timestamp();
    this.groups.set(EVERYONE_GROUP_ID, {
      id: EVERYONE_GROUP_ID,
      type: 'BUILT_IN',
      name: 'Everyone',
      description: 'All users in your organization',
      members: new Set(),
      created,
      lastUpdated: created,
      lastMembershipUpdated: created,
    });
  }

  /** The clock as an ISO 8601 time with milliseconds, as Okta writes `created`. */
  timestamp(): string {
    return new Date(Math.round(this.now() * 1000)).toISOString();
  }

  // ---------------------------------------------------------------- authorization servers

  async addAuthServer(fields: AuthServerFields, id = newId(ID_PREFIX.authServer)): Promise<AuthServerRecord> {
    const created = this.timestamp();
    const server: AuthServerRecord = {
      id,
      ...fields,
      scopes: [],
      claims: [],
      policies: [],
      keys: await KeyRing.create(this.now()),
      created,
      lastUpdated: created,
    };
    this.authServers.set(id, server);
    return server;
  }

  addScope(server: AuthServerRecord, fields: Omit<ScopeRecord, 'id'>, id = newId(ID_PREFIX.scope)): ScopeRecord {
    const scope = { id, ...fields };
    server.scopes.push(scope);
    this.touch(server);
    return scope;
  }

  addClaim(server: AuthServerRecord, fields: Omit<ClaimRecord, 'id'>, id = newId(ID_PREFIX.claim)): ClaimRecord {
    const claim = { id, ...fields };
    server.claims.push(claim);
    this.touch(server);
    return claim;
  }

  addPolicy(server: AuthServerRecord, fields: PolicyFields, id = newId(ID_PREFIX.policy)): PolicyRecord {
    const created = this.timestamp();
    const priority = fields.priority ?? nextPriority(server.policies);
    const policy: PolicyRecord = { id, ...fields, priority, rules: [], created, lastUpdated: created };
    server.policies.push(policy);
    server.policies.sort(byPriority);
    this.touch(server);
    return policy;
  }

  addRule(policy: PolicyRecord, fields: RuleFields, id = newId(ID_PREFIX.rule)): RuleRecord {
    const created = this.timestamp();
    const priority = fields.priority ?? nextPriority(policy.rules);
    const rule: RuleRecord = { id, ...fields, priority, created, lastUpdated: created };
    policy.rules.push(rule);
    policy.rules.sort(byPriority);
    policy.lastUpdated = created;
    return rule;
  }

  /** Marks a record changed now. */
  touch(record: { lastUpdated: string }): void {
    record.lastUpdated = this.timestamp();
  }

  /** Re-sorts after a priority change. */
  reorder(server: AuthServerRecord, policy?: PolicyRecord): void {
    server.policies.sort(byPriority);
    policy?.rules.sort(byPriority);
  }

  scopeNameTaken(server: AuthServerRecord, name: string, exceptId?: string): boolean {
    return server.scopes.some((scope) => scope.name === name && scope.id !== exceptId);
  }

  claimNameTaken(server: AuthServerRecord, claim: Pick<ClaimRecord, 'name' | 'claimType'>, exceptId?: string): boolean {
    return server.claims.some((other) => other.name === claim.name && other.claimType === claim.claimType && other.id !== exceptId);
  }

  /** The client ids in a policy condition that name no app. */
  unknownClients(clients: readonly string[]): string[] {
    return clients.filter((clientId) => clientId !== ALL_CLIENTS && !this.appByClientId(clientId));
  }

  // ---------------------------------------------------------------- apps

  addApp(fields: AppFields, id = newId(ID_PREFIX.app)): AppRecord {
    const created = this.timestamp();
    const app: AppRecord = {
      ...fields,
      id,
      clientId: fields.clientId ?? id,
      clientSecret: fields.clientSecret ?? newClientSecret(),
      grants: [],
      created,
      lastUpdated: created,
    };
    this.apps.set(id, app);
    return app;
  }

  appByClientId(clientId: string): AppRecord | undefined {
    for (const app of this.apps.values()) if (app.clientId === clientId) return app;
    return undefined;
  }

  clientIdTaken(clientId: string, exceptAppId?: string): boolean {
    const app = this.appByClientId(clientId);
    return app !== undefined && app.id !== exceptAppId;
  }

  /** Grants an Okta API scope to an app (the caller checks it is not granted yet). */
  addGrant(app: AppRecord, scopeId: OktaApiScope, id = newId(ID_PREFIX.grant)): GrantRecord {
    const created = this.timestamp();
    const grant: GrantRecord = { id, scopeId, created, lastUpdated: created };
    app.grants.push(grant);
    return grant;
  }

  // ---------------------------------------------------------------- users and groups

  addUser(fields: UserFields, id = newId(ID_PREFIX.user)): UserRecord {
    const created = this.timestamp();
    const active = fields.status === 'ACTIVE';
    const user: UserRecord = {
      id,
      status: fields.status,
      profile: fields.profile,
      password: fields.password,
      created,
      activated: active ? created : null,
      statusChanged: active ? created : null,
      lastUpdated: created,
    };
    this.users.set(id, user);
    return user;
  }

  /** A user by id, or by login (case-insensitive), as `GET /api/v1/users/{idOrLogin}` finds them. */
  /**
   * The user `GET /api/v1/users/{key}` answers for, as Okta resolves it: the id, else the login
   * (any case), else the login's shortname (the part before the @) when exactly one user has it.
   * Okta's `me` is the user the API token belongs to; the sandbox's token belongs to no user.
   */
  userByIdOrLogin(key: string): UserRecord | undefined {
    const byId = this.users.get(key);
    if (byId) return byId;
    const login = key.toLowerCase();
    for (const user of this.users.values()) if (user.profile.login.toLowerCase() === login) return user;
    if (login.includes('@')) return undefined;
    const short = [...this.users.values()].filter((user) => user.profile.login.toLowerCase().split('@')[0] === login);
    return short.length === 1 ? short[0] : undefined;
  }

  /** Moves a user to another status (the lifecycle operations), as Okta stamps it. */
  setUserStatus(user: UserRecord, status: UserRecord['status']): void {
    const now = this.timestamp();
    user.status = status;
    user.statusChanged = now;
    user.lastUpdated = now;
    if (status === 'ACTIVE' && user.activated === null) user.activated = now;
  }

  /**
   * Whether a password signs a user in: their own (`credentials.password.value`) or, without one,
   * the development password. Compared in constant time.
   */
  passwordMatches(user: UserRecord, given: string): boolean {
    const expected = user.password ?? this.developmentPassword;
    const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
    return timingSafeEqual(digest(given), digest(expected));
  }

  loginTaken(login: string, exceptId?: string): boolean {
    const lower = login.toLowerCase();
    for (const user of this.users.values()) if (user.id !== exceptId && user.profile.login.toLowerCase() === lower) return true;
    return false;
  }

  addGroup(fields: { name: string; description: string }, id = newId(ID_PREFIX.group)): GroupRecord {
    const created = this.timestamp();
    const group: GroupRecord = { id, type: 'OKTA_GROUP', ...fields, members: new Set(), created, lastUpdated: created, lastMembershipUpdated: created };
    this.groups.set(id, group);
    return group;
  }

  groupNameTaken(name: string): boolean {
    for (const group of this.groups.values()) if (group.name.toLowerCase() === name.toLowerCase()) return true;
    return false;
  }

  /** Members of a group in creation order; Everyone has every user. */
  membersOf(group: GroupRecord): UserRecord[] {
    if (group.type === 'BUILT_IN') return [...this.users.values()];
    return [...this.users.values()].filter((user) => group.members.has(user.id));
  }

  /** The groups of a user, Everyone first. */
  groupsOf(user: UserRecord): GroupRecord[] {
    return [...this.groups.values()].filter((group) => group.type === 'BUILT_IN' || group.members.has(user.id));
  }

  setMembership(group: GroupRecord, user: UserRecord, member: boolean): void {
    if (member) group.members.add(user.id);
    else group.members.delete(user.id);
    group.lastMembershipUpdated = this.timestamp();
  }

  // ---------------------------------------------------------------- inline hooks

  /** Registers an inline hook (a new hook needs its secret: the caller checks `auth.value`). */
  addInlineHook(fields: InlineHookFields, id = newId(ID_PREFIX.inlineHook)): InlineHookRecord {
    const created = this.timestamp();
    const { auth } = fields.channel;
    const hook: InlineHookRecord = {
      ...fields,
      id,
      channel: { ...fields.channel, auth: auth ? { key: auth.key, value: auth.value ?? '' } : undefined },
      created,
      lastUpdated: created,
    };
    this.inlineHooks.set(id, hook);
    return hook;
  }

  inlineHookNameTaken(name: string, exceptId?: string): boolean {
    for (const hook of this.inlineHooks.values()) if (hook.name === name && hook.id !== exceptId) return true;
    return false;
  }

  /** The rules that name a hook in `actions.token.inlineHook`, as `server/policy/rule` names. */
  rulesUsingHook(hookId: string): string[] {
    const names: string[] = [];
    for (const server of this.authServers.values()) {
      for (const policy of server.policies) {
        for (const rule of policy.rules) if (rule.inlineHookId === hookId) names.push(`${server.name}/${policy.name}/${rule.name}`);
      }
    }
    return names;
  }

  // ---------------------------------------------------------------- assertion replay

  /**
   * Records a client assertion's `jti` until its `exp`. False when it was already used (a
   * replay). Synchronous, so two concurrent requests cannot both pass.
   */
  useJti(clientId: string, jti: string, exp: number): boolean {
    this.usedJtis.forgetUntil(this.now());
    return this.usedJtis.add(`${clientId} ${jti}`, exp);
  }
}

function nextPriority(records: readonly { priority: number }[]): number {
  return records.reduce((max, record) => Math.max(max, record.priority), 0) + 1;
}

function byPriority(a: { priority: number }, b: { priority: number }): number {
  return a.priority - b.priority;
}
