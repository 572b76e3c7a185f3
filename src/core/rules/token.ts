/**
 * The access-token claim rules: what a resource server checks, after the signature, before it
 * lets an agent act for a human. Signature, algorithm and key checks live in `verify.ts`.
 */
import { ASSERTION_LIMITS, type ClaimMapping, OKTA_MAPPING, type ProfileName } from '../profiles';
import { durationText, isNumericDate, isoTime, relativeTime } from '../time';
import { type Finding, FindingList, isNonEmptyString, isRecord, type JsonRecord, kindOf, quote } from './finding';
import { checkActor, checkDelegation, checkHumanId, looksLikeClientId, looksLikeUserId } from './shared';

/** How the human is approved: an allow-list of user ids, or membership of a group the caller looked up. */
export type HumanApproval =
  | { readonly kind: 'allow-list'; readonly ids: readonly string[] }
  | { readonly kind: 'group'; readonly group: string; readonly memberOf: readonly string[] };

export interface TokenExpectations {
  /** Seconds since the epoch. */
  readonly now: number;
  readonly profile?: ProfileName;
  /** Where the issuer puts agent, human, client id and scopes; Okta's by default. */
  readonly mapping?: ClaimMapping;
  readonly issuer?: string;
  readonly audience?: string;
  readonly requiredScopes?: readonly string[];
  /** Approved agents (client ids); unchecked when absent. */
  readonly approvedAgents?: readonly string[];
  /** How the human is approved; unchecked when absent. */
  readonly humanApproval?: HumanApproval;
  /** The `act` the agent put in its assertion, to check that the token carries the same human. */
  readonly expectedActor?: JsonRecord;
  readonly clockSkewSeconds?: number;
}

/** The two subjects of a dual-subject token, by the claim mapping. */
export interface Subjects {
  readonly agent: string | undefined;
  readonly human: string | undefined;
}

export function subjectsOf(payload: JsonRecord, mapping: ClaimMapping = OKTA_MAPPING): Subjects {
  const actor = payload[mapping.actorClaim];
  const actorSub = isRecord(actor) && isNonEmptyString(actor.sub) ? actor.sub : undefined;
  const sub = isNonEmptyString(payload.sub) ? payload.sub : undefined;
  return mapping.orientation === 'agbac' ? { agent: sub, human: actorSub } : { agent: actorSub, human: sub };
}

/** The scopes a token grants, read as the mapping says. */
export function grantedScopes(payload: JsonRecord, mapping: ClaimMapping = OKTA_MAPPING): string[] {
  const value = payload[mapping.scopeClaim];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
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
  checkLifetime(payload, expect.now, skew, findings);

  const { agent, human } = subjectsOf(payload, mapping);
  const agentClaim = mapping.orientation === 'agbac' ? 'sub' : `${mapping.actorClaim}.sub`;
  if (!agent) findings.add('AGBAC109', agentPath(mapping), { claim: agentClaim, kind: kindOf(valueAt(payload, agentPath(mapping))) });
  checkClientId(payload, agent, mapping, findings);
  for (const scope of expect.requiredScopes ?? []) {
    const granted = grantedScopes(payload, mapping);
    if (!granted.includes(scope)) {
      findings.add('AGBAC112', [mapping.scopeClaim], { scope, granted: granted.length ? granted.join(' ') : 'none' });
    }
  }

  const actor = payload[mapping.actorClaim];
  if (actor === undefined) {
    findings.add('AGBAC113', [mapping.actorClaim], { claim: mapping.actorClaim });
  } else if (mapping.orientation === 'agbac') {
    checkActor(actor, [mapping.actorClaim], findings);
    const sub = payload.sub;
    if (isRecord(actor) && typeof actor.sub === 'string' && typeof sub === 'string' && looksLikeUserId(sub) && looksLikeClientId(actor.sub)) {
      findings.add('AGBAC117', ['sub'], {}, { related: [{ path: [mapping.actorClaim, 'sub'], message: 'the actor is here' }] });
    }
  } else if (!isRecord(actor)) {
    findings.add('AGBAC029', [mapping.actorClaim], { kind: kindOf(actor) });
  } else if (human) {
    checkHumanId(human, ['sub'], findings);
  }

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

function checkLifetime(payload: JsonRecord, now: number, skew: number, findings: FindingList): void {
  const { exp, nbf, iat } = payload;
  if (!isNumericDate(exp)) findings.add('AGBAC108', ['exp'], { kind: kindOf(exp) });
  else if (exp + skew <= now) findings.add('AGBAC105', ['exp'], { ago: relativeTime(exp, now), time: isoTime(exp) });
  if (isNumericDate(nbf) && nbf > now + skew) {
    findings.add('AGBAC106', ['nbf'], { distance: durationText(Math.round(nbf - now)) });
  }
  if (isNumericDate(iat) && iat > now + skew) {
    findings.add('AGBAC107', ['iat'], { distance: durationText(Math.round(iat - now)) });
  }
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
  if (!human || !approval) return;
  const humanPath = mapping.orientation === 'agbac' ? [mapping.actorClaim, 'sub'] : ['sub'];
  if (approval.kind === 'allow-list' && !approval.ids.includes(human)) {
    findings.add('AGBAC115', humanPath, { human, detail: ': not in the approved list' });
  } else if (approval.kind === 'group' && !approval.memberOf.includes(approval.group)) {
    findings.add('AGBAC115', humanPath, { human, detail: `: not a member of the group "${approval.group}"` });
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

function agentPath(mapping: ClaimMapping): string[] {
  return mapping.orientation === 'agbac' ? ['sub'] : [mapping.actorClaim, 'sub'];
}

function valueAt(payload: JsonRecord, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (isRecord(value) ? value[key] : undefined), payload);
}
