/**
 * Access policy evaluation, as Okta describes it for custom authorization servers: policies in
 * priority order, the first ACTIVE one assigned to the client; within it, rules in priority
 * order, the first ACTIVE one whose grant type and scope conditions match. When a policy has no
 * matching rule the next assigned policy is tried. No match: the request is denied.
 */
import type { AuthServerRecord, PolicyRecord, RuleRecord } from './model';
import { ALL_CLIENTS } from './org';

export interface PolicyMatch {
  readonly policy: PolicyRecord;
  readonly rule: RuleRecord;
}

function assigned(policy: PolicyRecord, clientId: string): boolean {
  return policy.clients.includes(clientId) || policy.clients.includes(ALL_CLIENTS);
}

function ruleMatches(rule: RuleRecord, grantType: string, scopes: readonly string[]): boolean {
  if (rule.status !== 'ACTIVE' || !rule.grantTypes.includes(grantType)) return false;
  return rule.scopes.includes('*') || scopes.every((scope) => rule.scopes.includes(scope));
}

/** The policy and rule that grant this request, or undefined (Okta's `access_denied`). */
export function evaluatePolicies(
  server: AuthServerRecord,
  request: { readonly clientId: string; readonly grantType: string; readonly scopes: readonly string[] },
): PolicyMatch | undefined {
  for (const policy of server.policies) {
    if (policy.status !== 'ACTIVE' || !assigned(policy, request.clientId)) continue;
    const rule = policy.rules.find((candidate) => ruleMatches(candidate, request.grantType, request.scopes));
    if (rule) return { policy, rule };
  }
  return undefined;
}
