/**
 * Where a token's two subjects are, told from its shape, and what kind of delegation it carries.
 *
 * Three shapes are known: the setup guide's (`sub` = `cid` = the agent, `act.sub` = the human,
 * the agent's own word), Okta's on-behalf-of token exchange (no `act`; `uid` = the human, `cid` =
 * the agent that exchanged their token, `sub` their login), and RFC 8693's (`act.sub` = `cid` =
 * the agent, `sub` = the human, a nested `act` for earlier actors). They differ in claims the
 * issuer sets itself (`cid`, `uid`, `sub` of a client_credentials token), so an agent cannot make
 * one look like another; a token that fits none of them is ambiguous and left to the caller.
 */
import {
  type ClaimMapping,
  OKTA_MAPPING,
  OKTA_ON_BEHALF_OF_MAPPING,
  TOKEN_EXCHANGE_MAPPING,
} from './profiles';
import { isNonEmptyString, isRecord, type JsonRecord } from './rules/finding';
import { parseIsoTime } from './time';

/** The mapping a token's shape names, or why none can be told. */
export type MappingDetection =
  | { readonly mapping: ClaimMapping; readonly reason: string }
  | { readonly mapping: undefined; readonly reason: string };

/** Tells the mapping from the shape of a token's payload (unverified: the verification that follows checks it under that mapping). */
export function detectMapping(payload: JsonRecord): MappingDetection {
  const { act, cid, sub, uid } = payload;
  if (!isNonEmptyString(cid)) return { mapping: undefined, reason: 'it has no cid, so the client that obtained it is unknown' };
  if (act !== undefined) {
    if (sub === cid) return { mapping: OKTA_MAPPING, reason: "act, and sub is cid: the agent's own token naming the human in act (the guide's shape)" };
    if (isRecord(act) && act.sub === cid) return { mapping: TOKEN_EXCHANGE_MAPPING, reason: 'act.sub is cid and sub is not: RFC 8693 token exchange (the human in sub, the agent in act)' };
    return { mapping: undefined, reason: 'it has act, but neither sub nor act.sub is cid' };
  }
  if (isNonEmptyString(uid) && isNonEmptyString(sub) && sub !== cid) {
    return { mapping: OKTA_ON_BEHALF_OF_MAPPING, reason: "no act, uid, and sub is not cid: Okta's on-behalf-of token exchange (the human in uid, the agent in cid)" };
  }
  if (sub === cid) return { mapping: OKTA_MAPPING, reason: "sub is cid and there is no act: the agent's own token without a human" };
  return { mapping: undefined, reason: 'it has neither act nor uid with a sub other than cid' };
}

/**
 * The kind of delegation: AGBAC 1.0's methods (`explicit`, `implicit`, `system`) as a token
 * carries them, or `unknown` when it says nothing.
 */
export type DelegationType = 'explicit' | 'implicit' | 'system' | 'unknown';

/**
 * What vouches for the human: `sign-in`, the person's own sign-in (a token exchange of their access
 * token); `agent`, the agent's word (the guide's claim or a token inline hook copying what the
 * agent sent).
 */
export type DelegationEvidence = 'sign-in' | 'agent';

/** A token's delegation, for the policy and the audit event (ids and times only: no intent text, no name). */
export interface DelegationContext {
  readonly type: DelegationType;
  readonly evidence: DelegationEvidence;
  /** The mapping the token was read with: `okta`, `okta-on-behalf-of`, `token-exchange`. */
  readonly shape: string;
  /** When the delegation was granted (seconds): the person's sign-in (`auth_time`), or `delegation.granted_at`. */
  readonly grantedAt: number | undefined;
  /** The agents that acted, the current one first (RFC 8693's nested `act`). */
  readonly chain: readonly string[];
}

const METHODS = new Set<DelegationType>(['explicit', 'implicit', 'system']);

/** The delegation a token carries, read under its mapping. */
export function delegationOf(payload: JsonRecord, mapping: ClaimMapping): DelegationContext {
  const exchanged = mapping.orientation !== 'agbac';
  const claimed = isRecord(payload.delegation) ? payload.delegation : undefined;
  const method = typeof claimed?.method === 'string' && METHODS.has(claimed.method as DelegationType) ? (claimed.method as DelegationType) : undefined;
  const grantedAt = exchanged
    ? typeof payload.auth_time === 'number' && Number.isFinite(payload.auth_time) ? payload.auth_time : undefined
    : typeof claimed?.granted_at === 'string' ? parseIsoTime(claimed.granted_at) : undefined;
  return {
    // A person who signed in and whose token was exchanged delegated explicitly, whatever a claim says.
    type: exchanged ? 'explicit' : (method ?? 'unknown'),
    evidence: exchanged ? 'sign-in' : 'agent',
    shape: mapping.name,
    grantedAt,
    chain: chainOf(payload, mapping),
  };
}

/** The actors of an exchanged token, newest first; the agent alone otherwise. */
function chainOf(payload: JsonRecord, mapping: ClaimMapping): string[] {
  if (mapping.orientation === 'on-behalf-of') {
    const cid = payload[mapping.clientIdClaim ?? 'cid'];
    return isNonEmptyString(cid) ? [cid] : [];
  }
  if (mapping.orientation === 'agbac') return isNonEmptyString(payload.sub) ? [payload.sub] : [];
  const chain: string[] = [];
  let level: unknown = payload[mapping.actorClaim];
  // Bounded: the token rules refuse chains longer than four (AGBAC123).
  while (isRecord(level) && isNonEmptyString(level.sub) && chain.length < 8) {
    chain.push(level.sub);
    level = level.act;
  }
  return chain;
}
