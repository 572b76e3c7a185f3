/**
 * The delegation policy (AGBAC 1.0 §7.3): which agents may act for which humans (by user id or by
 * group), for which scopes; which scopes need explicit delegation (the human's own sign-in); and
 * how old a delegation may be. A policy is a JSON or YAML document, read here field by field with
 * every problem named by its path and position, and evaluated with the token's checks so that the
 * decision is AGBAC 1.0 §7.1 in full: the agent permitted, the human permitted, and the delegation
 * valid, unexpired and appropriate.
 */
import type { DelegationContext } from './delegation';
import { CLAIM_MAPPINGS, type ClaimMapping } from './profiles';
import type { RuleCode } from './rules/catalogue';
import { type Finding, FindingList, isRecord, type JsonRecord } from './rules/finding';
import { looksLikeEmail, looksLikeUserId } from './rules/shared';
import { durationText } from './time';

/** The policy format's version. */
export const POLICY_VERSION = 1;

/** Where the agent and the human are: told from each token's shape (`auto`), or one mapping for all. */
export const POLICY_MAPPINGS = ['auto', ...Object.keys(CLAIM_MAPPINGS)] as const;

/** One delegation: these agents may act for these humans, for these scopes (any, when absent). */
export interface DelegationRule {
  readonly description: string | undefined;
  /** Client ids of the agents. */
  readonly agents: readonly string[];
  /** User ids (`00u…`) and group names; a human matches by either. */
  readonly humans: { readonly ids: readonly string[]; readonly groups: readonly string[] };
  readonly scopes: readonly string[] | undefined;
}

export interface DelegationPolicy {
  readonly version: typeof POLICY_VERSION;
  readonly delegations: readonly DelegationRule[];
  /** Scopes an agent may use only with the human's own, explicit delegation (token exchange of their sign-in). */
  readonly explicitScopes: readonly string[];
  /** The longest time since the delegation was granted; no limit when absent. */
  readonly maxDelegationAgeSeconds: number | undefined;
  readonly mapping: string;
}

/** A problem with a policy document, at a path (`delegations[0].humans.ids[1]`). */
export interface PolicyProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** What each member means: the reader's words, the published JSON schema's descriptions and the editor's hovers. */
export const POLICY_DOCS = {
  version: 'The policy format\'s version: 1.',
  delegations: 'Who may act for whom: each entry lets its agents act for its humans, for its scopes.',
  description: 'What this delegation is for (shown in reports; never a secret).',
  agents: 'The client ids of the agents (the apps that act), e.g. 0oa123abc456xyz.',
  humans: 'The people the agents may act for: Okta user ids (00u…) and group names; a person matches by either.',
  ids: 'Okta user ids (00u…): approval is by identity, never by login or email.',
  groups: 'Group names (e.g. FinanceUsers), looked up in the directory for the person the token names.',
  scopes: 'The scopes the agents may use for these humans; any scope when absent.',
  explicitScopes: 'Scopes that need explicit delegation: the human\'s own sign-in, exchanged by the agent (token exchange). A token with the agent\'s word for the human (the guide\'s act claim, a token inline hook) is refused for them.',
  maxDelegationAgeSeconds: 'The longest time since the delegation was granted (the human\'s sign-in, auth_time; or delegation.granted_at), in seconds.',
  mapping: 'Where the agent and the human are in a token: auto (told from its shape), okta or guide (sub = agent, act = human), okta-on-behalf-of (uid = human, cid = agent), token-exchange or rfc8693 (sub = human, act.sub = agent).',
} as const;

/** A problem's path as people write it: `delegations[0].humans.ids[1]`. */
export function formatPolicyPath(path: readonly (string | number)[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index ? '.' : ''}${segment}`)).join('');
}

/** Bounds that keep a hostile policy from costing more than a real one. */
const LIMITS = { rules: 1000, items: 10_000 } as const;

const TOP = ['$schema', 'version', 'delegations', 'explicitScopes', 'maxDelegationAgeSeconds', 'mapping'];
const RULE = ['description', 'agents', 'humans', 'scopes'];
const HUMANS = ['ids', 'groups'];

/** Reads a parsed policy document. The policy is undefined when there is any problem. */
export function readDelegationPolicy(document: unknown): { readonly policy: DelegationPolicy | undefined; readonly problems: readonly PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const problem = (path: readonly (string | number)[], message: string) => problems.push({ path, message });
  if (!isRecord(document)) {
    problem([], 'a delegation policy is an object with "version" and "delegations"');
    return { policy: undefined, problems };
  }
  unknownMembers(document, TOP, [], problem);
  if (document.$schema !== undefined && typeof document.$schema !== 'string') problem(['$schema'], 'must be a string (the schema\'s URL)');
  if (document.version === undefined) problem(['version'], 'is required: 1');
  else if (document.version !== POLICY_VERSION) problem(['version'], `must be ${POLICY_VERSION}, it is ${JSON.stringify(document.version)}`);

  const delegations: DelegationRule[] = [];
  const list = document.delegations;
  if (list === undefined) problem(['delegations'], 'is required: a list of who may act for whom');
  else if (!Array.isArray(list)) problem(['delegations'], 'must be a list');
  else if (list.length === 0) problem(['delegations'], 'must list at least one delegation (an empty policy permits no one)');
  else if (list.length > LIMITS.rules) problem(['delegations'], `has ${list.length} entries; at most ${LIMITS.rules}`);
  else list.forEach((entry, index) => {
    const rule = readRule(entry, ['delegations', index], problem);
    if (rule) delegations.push(rule);
  });

  const explicitScopes = document.explicitScopes === undefined ? [] : scopeList(document.explicitScopes, ['explicitScopes'], problem) ?? [];
  let maxAge: number | undefined;
  const age = document.maxDelegationAgeSeconds;
  if (age !== undefined) {
    if (typeof age !== 'number' || !Number.isInteger(age) || age < 1 || age > 366 * 86_400) problem(['maxDelegationAgeSeconds'], 'must be a whole number of seconds from 1 to 31622400 (a year)');
    else maxAge = age;
  }
  const mapping = document.mapping ?? 'auto';
  if (typeof mapping !== 'string' || !(POLICY_MAPPINGS as readonly string[]).includes(mapping)) problem(['mapping'], `must be ${POLICY_MAPPINGS.join(', ')}`);

  if (problems.length) return { policy: undefined, problems };
  return { policy: { version: POLICY_VERSION, delegations, explicitScopes, maxDelegationAgeSeconds: maxAge, mapping: mapping as string }, problems };
}

type Report = (path: readonly (string | number)[], message: string) => void;

function readRule(entry: unknown, path: readonly (string | number)[], problem: Report): DelegationRule | undefined {
  if (!isRecord(entry)) {
    problem(path, 'must be an object with "agents" and "humans"');
    return undefined;
  }
  unknownMembers(entry, RULE, path, problem);
  const description = entry.description;
  if (description !== undefined && typeof description !== 'string') problem([...path, 'description'], 'must be a string');
  const agents = entry.agents === undefined ? (problem([...path, 'agents'], 'is required: the client ids of the agents'), undefined) : stringList(entry.agents, [...path, 'agents'], problem, 'client ids');
  const humans = entry.humans;
  let ids: string[] = [];
  let groups: string[] = [];
  if (humans === undefined) problem([...path, 'humans'], 'is required: "ids" (00u…) and/or "groups"');
  else if (!isRecord(humans)) problem([...path, 'humans'], 'must be an object with "ids" and/or "groups"');
  else {
    unknownMembers(humans, HUMANS, [...path, 'humans'], problem);
    ids = humans.ids === undefined ? [] : stringList(humans.ids, [...path, 'humans', 'ids'], problem, 'user ids') ?? [];
    groups = humans.groups === undefined ? [] : stringList(humans.groups, [...path, 'humans', 'groups'], problem, 'group names') ?? [];
    ids.forEach((id, index) => {
      // An approval names a person by identity; a login or email names whoever holds it.
      if (!looksLikeUserId(id)) {
        problem([...path, 'humans', 'ids', index], `"${id.slice(0, 80)}" is not an Okta user id (00u…)${looksLikeEmail(id) ? ': approve people by id, never by email or login (agbac whois finds the id)' : ''}`);
      }
    });
    if (humans.ids === undefined && humans.groups === undefined) problem([...path, 'humans'], 'needs "ids" or "groups": nobody is named');
  }
  const scopes = entry.scopes === undefined ? undefined : scopeList(entry.scopes, [...path, 'scopes'], problem);
  if (!agents) return undefined;
  return { description: typeof description === 'string' ? description : undefined, agents, humans: { ids, groups }, scopes };
}

function stringList(value: unknown, path: readonly (string | number)[], problem: Report, what: string): string[] | undefined {
  if (!Array.isArray(value)) {
    problem(path, `must be a list of ${what}`);
    return undefined;
  }
  if (value.length === 0) {
    problem(path, `must not be empty (a list of ${what})`);
    return undefined;
  }
  if (value.length > LIMITS.items) {
    problem(path, `has ${value.length} entries; at most ${LIMITS.items}`);
    return undefined;
  }
  let ok = true;
  value.forEach((item, index) => {
    if (typeof item !== 'string' || !item.trim() || item !== item.trim()) {
      problem([...path, index], 'must be a non-empty string without surrounding spaces');
      ok = false;
    }
  });
  return ok ? [...new Set(value as string[])] : undefined;
}

function scopeList(value: unknown, path: readonly (string | number)[], problem: Report): string[] | undefined {
  const list = stringList(value, path, problem, 'scope names');
  list?.forEach((scope, index) => {
    if (/\s/.test(scope)) problem([...path, index], 'a scope name has no spaces');
  });
  return list;
}

function unknownMembers(record: JsonRecord, known: readonly string[], path: readonly (string | number)[], problem: Report): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) problem([...path, key], `is not a member of a delegation policy here (expected ${known.filter((name) => name !== '$schema').join(', ')})`);
  }
}

// ────────────────────────────────────────────────────────────────── evaluation

/** AGBAC 1.0 §7.1, one check each, in this order. */
export const POLICY_CHECKS = ['agent-permitted', 'human-permitted', 'delegation-valid', 'delegation-unexpired', 'delegation-appropriate'] as const;
export type PolicyCheckName = (typeof POLICY_CHECKS)[number];

export interface PolicyCheck {
  readonly name: PolicyCheckName;
  readonly outcome: 'passed' | 'failed';
  /** What was found, in words (ids only). */
  readonly detail: string;
}

/** The policy's part of a decision: every §7.1 check it ran, and the delegation that permits (its index). */
export interface PolicyDecision {
  readonly checks: readonly PolicyCheck[];
  readonly rule: number | undefined;
}

export interface PolicyEvaluation {
  readonly policy: DelegationPolicy;
  readonly mapping: ClaimMapping;
  readonly agent: string | undefined;
  readonly human: string | undefined;
  /** The human's group names, looked up by their id; undefined when no directory was asked. */
  readonly humanGroups: readonly string[] | undefined;
  readonly delegation: DelegationContext;
  /** The scopes the action needs (the token's own when the caller names none). */
  readonly scopes: readonly string[];
  /** The token checks' findings so far: validity and expiry are read from them. */
  readonly findings: readonly Finding[];
  readonly now: number;
  readonly skew: number;
  /** Where the agent and the human are in the token, for the findings' paths. */
  readonly agentPath: readonly string[];
  readonly humanPath: readonly string[];
}

/** What makes a delegation invalid: the two subjects and their claims, as the token checks found them. */
const INVALID: ReadonlySet<RuleCode> = new Set<RuleCode>([
  'AGBAC001', 'AGBAC029', 'AGBAC030', 'AGBAC031', 'AGBAC032', 'AGBAC040', 'AGBAC041', 'AGBAC042', 'AGBAC043', 'AGBAC044', 'AGBAC045', 'AGBAC046', 'AGBAC047', 'AGBAC049',
  'AGBAC090', 'AGBAC109', 'AGBAC110', 'AGBAC111', 'AGBAC113', 'AGBAC116', 'AGBAC118', 'AGBAC119', 'AGBAC123',
]);
const EXPIRED: ReadonlySet<RuleCode> = new Set<RuleCode>(['AGBAC048', 'AGBAC105', 'AGBAC106', 'AGBAC107', 'AGBAC108', 'AGBAC121']);

/**
 * Evaluates the policy for a token: adds a finding (AGBAC140-145) for each failed check to `list`
 * and names every check. The agent must be listed by a delegation, the human by one of that
 * agent's (by id, or by a group the directory says they are in), the token's delegation must be
 * valid and current (and no older than the policy allows), and appropriate: every scope within
 * the permitting delegation's, and the explicit scopes backed by the human's own sign-in.
 */
export function evaluatePolicy(input: PolicyEvaluation, list: FindingList): PolicyDecision {
  const { policy, agent, human, delegation } = input;
  const checks: PolicyCheck[] = [];
  const check = (name: PolicyCheckName, failure: string | undefined, success: string) => checks.push({ name, outcome: failure === undefined ? 'passed' : 'failed', detail: failure ?? success });

  // The agent: named by at least one delegation.
  const forAgent = agent === undefined ? [] : policy.delegations.map((rule, index) => ({ rule, index })).filter(({ rule }) => rule.agents.includes(agent));
  if (agent !== undefined && forAgent.length === 0) list.add('AGBAC140', [...input.agentPath], { agent });
  check('agent-permitted', agent === undefined ? 'the token names no agent' : forAgent.length === 0 ? `no delegation names the agent ${agent}` : undefined, `${agent ?? ''} is named by delegation ${forAgent.map(({ index }) => index).join(', ')}`);

  // The human: by id or by group, within the agent's delegations.
  const groups = input.humanGroups;
  const permits = (rule: DelegationRule) => human !== undefined && (rule.humans.ids.includes(human) || (groups !== undefined && rule.humans.groups.some((group) => groups.includes(group))));
  const permitting = forAgent.filter(({ rule }) => permits(rule));
  let humanFailure: string | undefined;
  if (human === undefined) humanFailure = 'the token names no human';
  else if (forAgent.length === 0) humanFailure = 'no delegation names the agent, so none can permit the human';
  else if (permitting.length === 0) {
    const allowedGroups = [...new Set(forAgent.flatMap(({ rule }) => rule.humans.groups))];
    const detail = allowedGroups.length === 0
      ? ': the agent\'s delegations list other user ids'
      : groups === undefined
        ? `: the delegations name groups (${allowedGroups.join(', ')}), and no directory was asked for the human's groups`
        : `: not listed by id, and in none of ${allowedGroups.join(', ')}`;
    humanFailure = `the delegations of ${agent ?? ''} do not include ${human}${detail}`;
    list.add('AGBAC141', [...input.humanPath], { agent: agent ?? '', human, detail });
  }
  check('human-permitted', humanFailure, `${human ?? ''} is permitted by delegation ${permitting.map(({ index }) => index).join(', ')}${permitting.some(({ rule }) => !rule.humans.ids.includes(human ?? '')) ? ' (by group)' : ' (by id)'}`);

  // Valid: the token's subjects and delegation claims passed their checks.
  const invalid = [...new Set(input.findings.filter((finding) => finding.severity === 'error' && INVALID.has(finding.code)).map((finding) => finding.code))];
  const evidence = delegation.evidence === 'sign-in' ? "the human's own sign-in" : "the agent's word";
  check('delegation-valid', invalid.length ? `the token's delegation does not hold: ${invalid.join(', ')}` : undefined, `${delegation.shape} shape, ${delegation.type} delegation on ${evidence}`);

  // Unexpired: the token, a delegation_expiry, and the policy's longest age.
  const expired = [...new Set(input.findings.filter((finding) => finding.severity === 'error' && EXPIRED.has(finding.code)).map((finding) => finding.code))];
  let ageFailure: string | undefined;
  const max = policy.maxDelegationAgeSeconds;
  const granted = delegation.grantedAt;
  if (max !== undefined) {
    if (granted === undefined) {
      list.add('AGBAC145', [], { max: durationText(max) });
      ageFailure = 'the token says not when the delegation was granted';
    } else if (input.now - granted > max + input.skew) {
      list.add('AGBAC144', [], { age: durationText(Math.round(input.now - granted)), max: durationText(max) });
      ageFailure = `granted ${durationText(Math.round(input.now - granted))} ago, longer than ${durationText(max)}`;
    }
  }
  const ageText = granted === undefined ? 'no grant time' : `granted ${durationText(Math.max(0, Math.round(input.now - granted)))} ago`;
  check('delegation-unexpired', expired.length ? `expired: ${expired.join(', ')}` : ageFailure, `${ageText}${max === undefined ? '' : `, within ${durationText(max)}`}`);

  // Appropriate: the scopes within a permitting delegation's, the explicit ones on the human's own sign-in.
  const covering = permitting.find(({ rule }) => rule.scopes === undefined || input.scopes.every((scope) => rule.scopes?.includes(scope)));
  const problems: string[] = [];
  if (permitting.length > 0 && !covering) {
    const allowed = [...new Set(permitting.flatMap(({ rule }) => rule.scopes ?? []))];
    const beyond = input.scopes.filter((scope) => !allowed.includes(scope));
    list.add('AGBAC143', [], { scopes: beyond.join(' '), allowed: allowed.join(' ') || 'none' });
    problems.push(`${beyond.join(' ')} beyond the delegation's ${allowed.join(' ') || 'none'}`);
  }
  const explicit = input.scopes.filter((scope) => policy.explicitScopes.includes(scope));
  if (explicit.length > 0 && !(delegation.type === 'explicit' && delegation.evidence === 'sign-in')) {
    list.add('AGBAC142', [], { scopes: explicit.join(' '), evidence: delegation.evidence === 'sign-in' ? `a ${delegation.type} delegation` : "the agent's word for the human" });
    problems.push(`${explicit.join(' ')} need${explicit.length === 1 ? 's' : ''} the human's own sign-in`);
  }
  const missing = input.findings.some((finding) => finding.code === 'AGBAC112' && finding.severity === 'error');
  if (missing) problems.push('the token lacks a scope the action needs (AGBAC112)');
  check(
    'delegation-appropriate',
    problems.length ? problems.join('; ') : undefined,
    `${input.scopes.join(' ') || 'no scope'}${explicit.length ? ` (explicit: ${explicit.join(' ')}, on the human's own sign-in)` : ''}`,
  );

  return { checks, rule: covering?.index };
}
