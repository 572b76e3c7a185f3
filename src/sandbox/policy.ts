/**
 * Access policy evaluation, as Okta describes it for custom authorization servers: policies in
 * priority order, the first ACTIVE one assigned to the client; within it, rules in priority
 * order, the first ACTIVE one whose grant type, scope and (for a grant with a person) people
 * conditions match. When a policy has no matching rule the next assigned policy is tried. No
 * match: the request is denied.
 */
import type { AuthServerRecord, PolicyRecord, RuleRecord, UserRecord } from './model';
import { ALL_CLIENTS, type Org } from './org';

export interface PolicyMatch {
  readonly policy: PolicyRecord;
  readonly rule: RuleRecord;
}

/** `EVERYONE` in a rule's `people.groups.include`: every user. */
const EVERYONE = 'EVERYONE';

function assigned(policy: PolicyRecord, clientId: string): boolean {
  return policy.clients.includes(clientId) || policy.clients.includes(ALL_CLIENTS);
}

/**
 * A rule's people condition, for the person a token is about: listed by id, or a member of a
 * listed group (`EVERYONE` or a group id), and not excluded either way.
 */
function peopleMatch(rule: RuleRecord, user: UserRecord, org: Org): boolean {
  const groups = new Set(org.groupsOf(user).map((group) => group.id));
  const inGroups = (ids: readonly string[]) => ids.some((id) => id === EVERYONE || groups.has(id));
  const { users, groups: groupCondition } = rule.people;
  if (users.exclude.includes(user.id) || inGroups(groupCondition.exclude)) return false;
  return users.include.includes(user.id) || inGroups(groupCondition.include);
}

function ruleMatches(rule: RuleRecord, request: PolicyRequest): boolean {
  if (rule.status !== 'ACTIVE' || !rule.grantTypes.includes(request.grantType)) return false;
  if (request.person && !peopleMatch(rule, request.person.user, request.person.org)) return false;
  return rule.scopes.includes('*') || request.scopes.every((scope) => rule.scopes.includes(scope));
}

export interface PolicyRequest {
  readonly clientId: string;
  readonly grantType: string;
  readonly scopes: readonly string[];
  /** The person the token is about (authorization code, password, token exchange); client_credentials has none. */
  readonly person?: { readonly user: UserRecord; readonly org: Org };
}

/** The policy and rule that grant this request, or undefined (Okta's `access_denied`). */
export function evaluatePolicies(server: AuthServerRecord, request: PolicyRequest): PolicyMatch | undefined {
  for (const policy of server.policies) {
    if (policy.status !== 'ACTIVE' || !assigned(policy, request.clientId)) continue;
    const rule = policy.rules.find((candidate) => ruleMatches(candidate, request));
    if (rule) return { policy, rule };
  }
  return undefined;
}
