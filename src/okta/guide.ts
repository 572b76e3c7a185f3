/**
 * The setup guide's configuration as data: what provisioning creates and what the doctor expects.
 * The `act` claim expression is the guide's (see the explanation of rule AGBAC113 for its caveat).
 */
import type { Claim, Policy, PolicyRule, Scope } from './org';

export const GUIDE = {
  serverName: 'AGBAC-AS',
  serverDescription: 'Authorization Server for AGBAC dual-subject authorization',
  claimName: 'act',
  claimExpression: 'clientAssertion.claims.act',
  policyName: 'AGBAC-Policy',
  policyDescription: 'Access policy for AGBAC dual-subject authorization',
  ruleName: 'Allow Client Credentials with Act',
  tokenLifetimeMinutes: 60,
  appLabel: 'Finance Agent',
  // Beyond the guide: token exchange, where people sign in to an app of their own.
  exchangeRuleName: 'Allow Token Exchange',
  signInAppLabel: 'AGBAC Sign-In',
  signInRuleName: 'Sign people in',
  /** The loopback redirect URI registered for the sign-in app when none is given: Okta compares the whole URI, port included. */
  signInRedirectUri: 'http://127.0.0.1:8765/callback',
} as const;

export function guideScope(name: string): Scope {
  return { name, displayName: name, description: `Allows ${name}`, consent: 'IMPLICIT', default: false, metadataPublish: 'ALL_CLIENTS' };
}

export function guideClaim(): Claim {
  return {
    name: GUIDE.claimName,
    status: 'ACTIVE',
    claimType: 'RESOURCE',
    valueType: 'EXPRESSION',
    value: GUIDE.claimExpression,
    alwaysIncludeInToken: false,
    conditions: { scopes: [] },
  };
}

export function guidePolicy(clientId: string): Policy {
  return {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: GUIDE.policyName,
    description: GUIDE.policyDescription,
    status: 'ACTIVE',
    priority: 1,
    conditions: { clients: { include: [clientId] } },
  };
}

export function guideRule(): PolicyRule {
  return {
    name: GUIDE.ruleName,
    type: 'RESOURCE_ACCESS',
    status: 'ACTIVE',
    priority: 1,
    conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: ['*'] }, people: { groups: { include: ['EVERYONE'] } } },
    actions: { token: { accessTokenLifetimeMinutes: GUIDE.tokenLifetimeMinutes, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
  };
}

/** A rule like the guide's for another grant type: any scope, everyone, the guide's token lifetime. */
export function grantRule(name: string, grantType: string, priority: number): PolicyRule {
  const rule = guideRule();
  return { ...rule, name, priority, conditions: { ...rule.conditions, grantTypes: { include: [grantType] } } };
}

/** A claim condition that covers the scopes: empty or "*" means any scope. */
export function claimCoversScopes(claim: Claim, scopes: readonly string[]): boolean {
  const listed = claim.conditions?.scopes ?? [];
  return listed.length === 0 || listed.includes('*') || scopes.every((scope) => listed.includes(scope));
}

/** An ACTIVE rule that allows the grant type with the scopes. */
export function ruleAllows(rule: PolicyRule, grantType: string, scopes: readonly string[]): boolean {
  return (rule.status ?? 'ACTIVE') === 'ACTIVE' && (rule.conditions?.grantTypes?.include ?? []).includes(grantType) && ruleCoversScopes(rule, scopes);
}

export function ruleCoversScopes(rule: PolicyRule, scopes: readonly string[]): boolean {
  const listed = rule.conditions?.scopes?.include ?? [];
  return listed.includes('*') || scopes.every((scope) => listed.includes(scope));
}

export function policyCoversClient(policy: Policy, clientId: string): boolean {
  const include = policy.conditions?.clients?.include ?? [];
  return include.includes(clientId) || include.includes('ALL_CLIENTS');
}
