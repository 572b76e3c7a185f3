/**
 * `/api/v1/users` and `/api/v1/groups`: users (get by id or login, list with `search`,
 * `filter` or `q`, create), a user's groups, groups (list with `q`, `search` or `filter`, get,
 * create), group members (list, add, remove). Every org has the built-in Everyone group.
 */
import type { SandboxContext } from '../context';
import { apiErrors } from '../errors';
import { FilterError, matchesFilter, parseFilter } from '../filter';
import type { Handler, RequestContext, Router } from '../http';
import type { GroupRecord, UserRecord } from '../model';
import { readGroup, readUser } from '../shapes';
import { groupJson, userJson } from '../views';
import type { Guard } from './auth';
import { fieldProblem, noContent, ok, page, readJson, validate } from './common';

type Route = (context: SandboxContext) => Handler;

const USER_ATTRIBUTES = ['id', 'status', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName'];
const GROUP_ATTRIBUTES = ['id', 'type', 'profile.name', 'profile.description'];

function userAttribute(user: UserRecord, name: string): string | null | undefined {
  if (name === 'id') return user.id;
  if (name === 'status') return user.status;
  return name.startsWith('profile.') ? user.profile[name.slice('profile.'.length)] : undefined;
}

function groupAttribute(group: GroupRecord, name: string): string | undefined {
  return { id: group.id, type: group.type, 'profile.name': group.name, 'profile.description': group.description }[name];
}

/** Applies `search` and `filter` (both Okta expressions) to a list; a bad expression answers 400 E0000031. */
function applyExpressions<T>(items: T[], url: URL, attributes: readonly string[], read: (item: T, name: string) => string | null | undefined): T[] {
  let result = items;
  for (const parameter of ['search', 'filter']) {
    const text = url.searchParams.get(parameter);
    if (text === null) continue;
    try {
      const expression = parseFilter(text, attributes);
      result = result.filter((item) => matchesFilter(expression, (name) => read(item, name)));
    } catch (error) {
      if (error instanceof FilterError) throw apiErrors.invalidSearch(`${parameter}: ${error.message}`);
      throw error;
    }
  }
  return result;
}

function userOf(context: SandboxContext, id: string | undefined): UserRecord {
  const user = id === undefined ? undefined : context.org.userByIdOrLogin(id);
  if (!user) throw apiErrors.notFound(id ?? '', 'User');
  return user;
}

function groupOf(context: SandboxContext, request: RequestContext): GroupRecord {
  const id = request.params.groupId ?? '';
  const group = context.org.groups.get(id);
  if (!group) throw apiErrors.notFound(id, 'UserGroup');
  return group;
}

// ------------------------------------------------------------------ users

const listUsers: Route = (context) => ({ url }) => {
  let users = [...context.org.users.values()];
  const filtered = url.searchParams.has('search') || url.searchParams.has('filter');
  if (!filtered) users = users.filter((user) => user.status !== 'DEPROVISIONED');
  users = applyExpressions(users, url, USER_ATTRIBUTES, userAttribute);
  const q = url.searchParams.get('q')?.toLowerCase();
  if (q) {
    users = users.filter((user) => [user.profile.firstName, user.profile.lastName, user.profile.email].some((value) => value.toLowerCase().startsWith(q)));
  }
  const orgUrl = context.orgUrl();
  return page(users, (user) => user.id, (user) => userJson(orgUrl, user), url, orgUrl);
};

const createUser: Route = (context) => async ({ req, url }) => {
  const activate = url.searchParams.get('activate') !== 'false';
  const fields = validate(await readJson(req), (reader) => readUser(reader, { status: activate ? 'ACTIVE' : 'STAGED' }));
  if (context.org.loginTaken(fields.profile.login)) {
    fieldProblem('login', 'An object with this field already exists in the current organization');
  }
  return ok(userJson(context.orgUrl(), context.org.addUser({ ...fields, status: activate ? 'ACTIVE' : 'STAGED' })));
};

const getUser: Route = (context) => (request) => ok(userJson(context.orgUrl(), userOf(context, request.params.userId)));

const userGroups: Route = (context) => (request) => {
  const user = userOf(context, request.params.userId);
  const orgUrl = context.orgUrl();
  return page(context.org.groupsOf(user), (group) => group.id, (group) => groupJson(orgUrl, group), request.url, orgUrl);
};

/** Okta's user lifecycle operations the sandbox has: from which statuses each may start, and where it ends. */
const LIFECYCLE: Readonly<Record<string, { readonly from: readonly UserRecord['status'][]; readonly to: UserRecord['status'] }>> = {
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED' },
  unsuspend: { from: ['SUSPENDED'], to: 'ACTIVE' },
  deactivate: { from: ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED'], to: 'DEPROVISIONED' },
  activate: { from: ['STAGED', 'PROVISIONED', 'DEPROVISIONED'], to: 'ACTIVE' },
};

/** `POST /api/v1/users/{id}/lifecycle/{operation}`: answers `{}`; a status it cannot start from is 400 E0000001. */
const userLifecycle: Route = (context) => (request) => {
  const user = userOf(context, request.params.userId);
  const operation = request.params.operation ?? '';
  const step = Object.hasOwn(LIFECYCLE, operation) ? LIFECYCLE[operation] : undefined;
  if (!step) throw apiErrors.notFound(request.url.pathname, 'Request');
  if (!step.from.includes(user.status)) throw apiErrors.validation(operation, [`${operation}: the user is ${user.status}`]);
  context.org.setUserStatus(user, step.to);
  return ok({});
};

// ------------------------------------------------------------------ groups

const listGroups: Route = (context) => ({ url }) => {
  let groups = applyExpressions([...context.org.groups.values()], url, GROUP_ATTRIBUTES, groupAttribute);
  const q = url.searchParams.get('q')?.toLowerCase();
  if (q) groups = groups.filter((group) => group.name.toLowerCase().startsWith(q));
  const orgUrl = context.orgUrl();
  return page(groups, (group) => group.id, (group) => groupJson(orgUrl, group), url, orgUrl);
};

const createGroup: Route = (context) => async ({ req }) => {
  const fields = validate(await readJson(req), readGroup);
  if (context.org.groupNameTaken(fields.name)) fieldProblem('name', 'An object with this field already exists in the current organization');
  return ok(groupJson(context.orgUrl(), context.org.addGroup(fields)));
};

const getGroup: Route = (context) => (request) => ok(groupJson(context.orgUrl(), groupOf(context, request)));

const groupMembers: Route = (context) => (request) => {
  const group = groupOf(context, request);
  const orgUrl = context.orgUrl();
  return page(context.org.membersOf(group), (user) => user.id, (user) => userJson(orgUrl, user), request.url, orgUrl);
};

const membership = (member: boolean): Route => (context) => (request) => {
  const group = groupOf(context, request);
  const id = request.params.userId ?? '';
  const user = context.org.users.get(id);
  if (!user) throw apiErrors.notFound(id, 'User');
  if (group.type === 'BUILT_IN') throw apiErrors.forbidden('the members of the Everyone group are all users; they cannot be changed');
  context.org.setMembership(group, user, member);
  return noContent();
};

/** Adds the routes under `/api/v1/users` and `/api/v1/groups`, each behind the guard (authentication and scope). */
export function addDirectoryRoutes(router: Router, context: SandboxContext, guard: Guard): void {
  const routes: [string, string, Route][] = [
    ['GET', '/api/v1/users', listUsers],
    ['POST', '/api/v1/users', createUser],
    ['GET', '/api/v1/users/:userId', getUser],
    ['GET', '/api/v1/users/:userId/groups', userGroups],
    ['POST', '/api/v1/users/:userId/lifecycle/:operation', userLifecycle],
    ['GET', '/api/v1/groups', listGroups],
    ['POST', '/api/v1/groups', createGroup],
    ['GET', '/api/v1/groups/:groupId', getGroup],
    ['GET', '/api/v1/groups/:groupId/users', groupMembers],
    ['PUT', '/api/v1/groups/:groupId/users/:userId', membership(true)],
    ['DELETE', '/api/v1/groups/:groupId/users/:userId', membership(false)],
  ];
  for (const [method, path, route] of routes) router.add(method, path, guard(method, path, route(context)));
}
