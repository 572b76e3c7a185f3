/**
 * The access-token claim rules: what a resource server checks, after the signature, before it
 * lets an agent act for a human. Signature, algorithm and key checks live in `verify.ts`.
 */
import { ASSERTION_LIMITS, type ClaimMapping, OKTA_MAPPING, type ProfileName } from '../profiles';
import { durationText, isNumericDate, isoTime, relativeTime } from '../time';
import { type Finding, FindingList, isNonEmptyString, isRecord, type JsonRecord, kindOf, quote } from './finding';
import { checkActor, checkDelegation, checkHumanId, looksLikeClientId, looksLikeUserId } from './shared';

/**
 * How the human is approved: an allow-list of user ids, membership of a group the caller looked
 * up, or not at all because the caller waived the check explicitly (the decision then says so).
 * For a group, `resolvedId` is the id of the user the directory found for `act.sub`: a directory
 * also resolves logins and other aliases, and only a user whose id IS `act.sub` can be approved.
 */
export type HumanApproval =
  | { readonly kind: 'allow-list'; readonly ids: readonly string[] }
  | { readonly kind: 'group'; readonly group: string; readonly memberOf: readonly string[]; readonly resolvedId?: string }
  | { readonly kind: 'waived' };

/** Okta's longest access token lifetime (24 h): the default ceiling of `exp` − `iat`. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** The longest chain of actors accepted under the token-exchange mapping. */
const MAX_ACTOR_CHAIN = 4;

export interface TokenExpectations {
  /** Seconds since the epoch. */
  readonly now: number;
  readonly profile?: ProfileName;
  /** Where the issuer puts agent, human, client id and scopes; Okta's by default. */
  readonly mapping?: ClaimMapping;
  readonly issuer?: string;
  readonly audience?: string;
  readonly requiredScopes?: readonly string[];
  /**
   * Approved agents (client ids). Without a list the verifier denies (AGBAC125) unless
   * `waiveAgentCheck` says the caller checks the agent some other way.
   */
  readonly approvedAgents?: readonly string[];
  /** Approve no agent on purpose: the best decision is then an ALLOW that says the agent was unchecked. */
  readonly waiveAgentCheck?: boolean;
  /** How the human is approved; without it the verifier denies (AGBAC120), unless it is `{ kind: 'waived' }`. */
  readonly humanApproval?: HumanApproval;
  /** The `act` the agent put in its assertion, to check that the token carries the same human. */
  readonly expectedActor?: JsonRecord;
  readonly clockSkewSeconds?: number;
  /** The longest lifetime accepted (`exp` − `iat`, or − now without `iat`); default 24 h. */
  readonly maxLifetimeSeconds?: number;
}

/** The two subjects of a dual-subject token, by the claim mapping. */
export interface Subjects {
  readonly agent: string | undefined;
  readonly human: string | undefined;
}

export function subjectsOf(payload: JsonRecord, mapping: ClaimMapping = OKTA_MAPPING): Subjects {
  if (mapping.orientation === 'on-behalf-of') {
    const agent = payload[mapping.clientIdClaim ?? 'cid'];
    const human = payload[mapping.humanClaim ?? 'uid'];
    return { agent: isNonEmptyString(agent) ? agent : undefined, human: isNonEmptyString(human) ? human : undefined };
  }
  const actor = payload[mapping.actorClaim];
  const actorSub = isRecord(actor) && isNonEmptyString(actor.sub) ? actor.sub : undefined;
  const sub = isNonEmptyString(payload.sub) ? payload.sub : undefined;
  return mapping.orientation === 'agbac' ? { agent: sub, human: actorSub } : { agent: actorSub, human: sub };
}

/**
 * The scopes a token grants, read as the mapping says and only in the mapping's format (Okta's
 * `scp` is an array; a string there is no Okta token, so it grants nothing).
 */
export function grantedScopes(payload: JsonRecord, mapping: ClaimMapping = OKTA_MAPPING): string[] {
  const value = payload[mapping.scopeClaim];
  if (mapping.scopeFormat === 'array' && Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (mapping.scopeFormat === 'space-delimited' && typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

/** The claim checks of an access token payload. */
export function checkTokenClaims(payload: unknown, expect: TokenExpectations): Finding[] {
  const findings = new FindingList(expect.profile ?? 'okta-guide');
  if (!isRecord(payload)) {
    findings.add('AGBAC001', [], { kind: kindOf(payload) });
    return findings.items;
  }
  const mapping = expect.mapping ?? OKTA_MAPPING;
  const skew = expect.clockSkewSeconds ?? ASSERTION_LIMITS.defaultClockSkewSeconds;
  checkIssuerAndAudience(payload, expect, findings);
  checkLifetime(payload, expect.now, skew, expect.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS, findings);

  const { agent, human } = subjectsOf(payload, mapping);
  if (!agent) findings.add('AGBAC109', agentPath(mapping), { claim: agentPath(mapping).join('.'), kind: kindOf(valueAt(payload, agentPath(mapping))) });
  checkClientId(payload, agent, mapping, findings);
  for (const scope of expect.requiredScopes ?? []) {
    const granted = grantedScopes(payload, mapping);
    if (!granted.includes(scope)) {
      findings.add('AGBAC112', [mapping.scopeClaim], { scope, granted: granted.length ? granted.join(' ') : 'none' });
    }
  }

  const actor = payload[mapping.actorClaim];
  if (mapping.orientation === 'on-behalf-of') {
    // The human is the person whose own token was exchanged: no actor claim, their id in humanClaim.
    const claim = mapping.humanClaim ?? 'uid';
    if (!human) findings.add('AGBAC113', [claim], { claim });
    else checkHumanId(human, [claim], findings, 'token');
  } else if (actor === undefined) {
    findings.add('AGBAC113', [mapping.actorClaim], { claim: mapping.actorClaim });
  } else if (mapping.orientation === 'agbac') {
    checkActor(actor, [mapping.actorClaim], findings, 'token');
    const sub = payload.sub;
    if (isRecord(actor) && typeof actor.sub === 'string' && typeof sub === 'string' && looksLikeUserId(sub) && looksLikeClientId(actor.sub)) {
      findings.add('AGBAC117', ['sub'], {}, { related: [{ path: [mapping.actorClaim, 'sub'], message: 'the actor is here' }] });
    }
    if (isRecord(actor) && actor.act !== undefined) {
      findings.add('AGBAC123', [mapping.actorClaim, 'act'], {
        detail: `\`${mapping.actorClaim}.act\` nests a chain of actors inside the human; AGBAC approves exactly one agent and one human, so no approval covers it`,
      });
    }
  } else if (!isRecord(actor)) {
    findings.add('AGBAC029', [mapping.actorClaim], { kind: kindOf(actor) });
  } else {
    if (human) checkHumanId(human, ['sub'], findings, 'token');
    checkActorChain(actor, mapping, expect, findings);
  }
  if (agent && human && agent === human) findings.add('AGBAC119', humanPath(mapping), { agent });

  checkApprovals(agent, human, mapping, expect, findings);
  if (expect.expectedActor && isRecord(actor)) checkRoundTrip(actor, expect.expectedActor, mapping, findings);
  checkDelegation(payload, expect.now, skew, findings);
  return findings.items;
}

function checkIssuerAndAudience(payload: JsonRecord, expect: TokenExpectations, findings: FindingList): void {
  if (expect.issuer !== undefined && payload.iss !== expect.issuer) {
    findings.add('AGBAC103', ['iss'], { actual: quote(payload.iss), expected: expect.issuer });
  }
  if (expect.audience !== undefined) {
    const aud = payload.aud;
    const matches = Array.isArray(aud) ? aud.includes(expect.audience) : aud === expect.audience;
    if (!matches) findings.add('AGBAC104', ['aud'], { actual: quote(aud), expected: expect.audience });
  }
}

function checkLifetime(payload: JsonRecord, now: number, skew: number, maxLifetime: number, findings: FindingList): void {
  const { exp, nbf, iat } = payload;
  if (!isNumericDate(exp)) findings.add('AGBAC108', ['exp'], { kind: kindOf(exp) });
  else if (exp + skew <= now) findings.add('AGBAC105', ['exp'], { ago: relativeTime(exp, now), time: isoTime(exp) });
  // A time claim the token carries but that is no time is refused, never skipped: skipping nbf
  // would make a token valid before its time.
  if (nbf !== undefined && !isNumericDate(nbf)) findings.add('AGBAC023', ['nbf'], { claim: 'nbf', kind: kindOf(nbf) });
  if (iat !== undefined && !isNumericDate(iat)) findings.add('AGBAC023', ['iat'], { claim: 'iat', kind: kindOf(iat) });
  if (isNumericDate(nbf) && nbf > now + skew) {
    findings.add('AGBAC106', ['nbf'], { distance: durationText(Math.round(nbf - now)) });
  }
  if (isNumericDate(iat) && iat > now + skew) {
    findings.add('AGBAC107', ['iat'], { distance: durationText(Math.round(iat - now)) });
  }
  if (isNumericDate(exp)) {
    const from = isNumericDate(iat) ? iat : now;
    if (exp - from > maxLifetime + skew) {
      findings.add('AGBAC121', ['exp'], {
        distance: durationText(Math.round(exp - from)),
        from: isNumericDate(iat) ? '`iat`' : 'now',
        max: durationText(maxLifetime),
      });
    }
  }
}

/**
 * Under the token-exchange mapping the agent is the current actor and a nested `act` lists the
 * actors before it: each is an agent that acted, so each must be an approved agent (when a list
 * is given), and the chain is bounded.
 */
function checkActorChain(actor: JsonRecord, mapping: ClaimMapping, expect: TokenExpectations, findings: FindingList): void {
  const path: string[] = [mapping.actorClaim];
  let level: unknown = actor.act;
  for (let depth = 1; level !== undefined; depth++) {
    path.push('act');
    if (depth >= MAX_ACTOR_CHAIN) {
      findings.add('AGBAC123', [...path], { detail: `the chain of actors is longer than ${MAX_ACTOR_CHAIN}; longer chains are refused` });
      return;
    }
    const sub = isRecord(level) ? level.sub : undefined;
    if (!isRecord(level) || !isNonEmptyString(sub)) {
      findings.add('AGBAC123', [...path], { detail: `\`${path.join('.')}\` is no actor with a \`sub\`: every level of the chain must name who acted` });
      return;
    }
    if (expect.approvedAgents && !expect.approvedAgents.includes(sub)) findings.add('AGBAC114', [...path, 'sub'], { agent: sub });
    level = level.act;
  }
}

export function humanPath(mapping: ClaimMapping): string[] {
  if (mapping.orientation === 'on-behalf-of') return [mapping.humanClaim ?? 'uid'];
  return mapping.orientation === 'agbac' ? [mapping.actorClaim, 'sub'] : ['sub'];
}

function checkClientId(payload: JsonRecord, agent: string | undefined, mapping: ClaimMapping, findings: FindingList): void {
  const claim = mapping.clientIdClaim;
  if (!claim) return;
  const cid = payload[claim];
  if (!isNonEmptyString(cid)) findings.add('AGBAC110', [claim], { claim });
  else if (agent && cid !== agent) findings.add('AGBAC111', [claim], { claim, cid, agent });
}

function checkApprovals(
  agent: string | undefined,
  human: string | undefined,
  mapping: ClaimMapping,
  expect: TokenExpectations,
  findings: FindingList,
): void {
  if (agent && expect.approvedAgents && !expect.approvedAgents.includes(agent)) {
    findings.add('AGBAC114', agentPath(mapping), { agent });
  }
  const approval = expect.humanApproval;
  // A human that is no user id is denied as such (AGBAC031, AGBAC118); no approval is consulted.
  if (!human || !approval || !looksLikeUserId(human)) return;
  const path = humanPath(mapping);
  if (approval.kind === 'allow-list' && !approval.ids.includes(human)) {
    findings.add('AGBAC115', path, { human, detail: ': not in the approved list' });
  } else if (approval.kind === 'group' && approval.resolvedId !== undefined && approval.resolvedId !== human) {
    // The directory answered for a login or another alias: approve the id, never the alias.
    findings.add('AGBAC115', path, {
      human,
      detail: `: the directory resolves it as the login or an alias of user ${approval.resolvedId}; only a user whose id is act.sub can be approved`,
    });
  } else if (approval.kind === 'group' && !approval.memberOf.includes(approval.group)) {
    findings.add('AGBAC115', path, { human, detail: `: not a member of the group "${approval.group}"` });
  }
}

function checkRoundTrip(actor: JsonRecord, expected: JsonRecord, mapping: ClaimMapping, findings: FindingList): void {
  const members = new Set([...Object.keys(expected), ...Object.keys(actor)]);
  for (const member of members) {
    if (JSON.stringify(actor[member]) !== JSON.stringify(expected[member])) {
      findings.add('AGBAC116', [mapping.actorClaim, member], {
        member,
        actual: quote(actor[member]),
        expected: quote(expected[member]),
      });
    }
  }
}

export function agentPath(mapping: ClaimMapping): string[] {
  if (mapping.orientation === 'on-behalf-of') return [mapping.clientIdClaim ?? 'cid'];
  return mapping.orientation === 'agbac' ? ['sub'] : [mapping.actorClaim, 'sub'];
}

function valueAt(payload: JsonRecord, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (isRecord(value) ? value[key] : undefined), payload);
}
