/**
 * The dual-subject decision and its audit event. AGBAC allows a request only when every required
 * check passes: the token is genuine and current, the agent is authorized, the human is authorized,
 * and the delegation (when the profile has one) is valid.
 *
 * The outcomes: `ALLOW` means both subjects were approved, always; `DENY` that a check failed or
 * a subject was approved by nothing; `ALLOW_HUMAN_UNCHECKED`, `ALLOW_AGENT_UNCHECKED` and
 * `ALLOW_UNCHECKED` (both) that every check that ran passed while the caller explicitly waived
 * that subject's approval. They are distinct words so that no reader of the output or the audit
 * log can take them for a dual-subject ALLOW.
 */
import { type RuleCode, ruleFor } from './rules/catalogue';
import type { Finding } from './rules/finding';
import { isoTime } from './time';
import { isRecord, type JsonRecord } from './rules/finding';
import { looksLikeEmail } from './rules/shared';
import type { DelegationContext, DelegationEvidence, DelegationType } from './delegation';
import type { PolicyDecision } from './policy';

export const DECISIONS = ['ALLOW', 'DENY', 'ALLOW_HUMAN_UNCHECKED', 'ALLOW_AGENT_UNCHECKED', 'ALLOW_UNCHECKED'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Whether a subject's approval was required (and so given, or the findings deny) or waived by the caller. */
export type Approval = 'approved' | 'waived';

/**
 * ALLOW iff no finding is an error (warnings and notes never deny); an ALLOW that names what was
 * unchecked instead when a subject's approval was waived.
 */
export function decide(findings: readonly Finding[], waivers: { readonly agent?: Approval; readonly human?: Approval } = {}): Decision {
  if (findings.some((finding) => finding.severity === 'error')) return 'DENY';
  const agentWaived = waivers.agent === 'waived';
  const humanWaived = waivers.human === 'waived';
  if (agentWaived && humanWaived) return 'ALLOW_UNCHECKED';
  if (agentWaived) return 'ALLOW_AGENT_UNCHECKED';
  return humanWaived ? 'ALLOW_HUMAN_UNCHECKED' : 'ALLOW';
}

/** True for ALLOW and the ALLOWs with a waived approval: the request may go ahead. */
export function allows(decision: Decision): boolean {
  return decision !== 'DENY';
}

/** The checks a decision is made of, in the order they are reported. */
export const CHECK_NAMES = ['signature', 'issuer', 'audience', 'lifetime', 'agent', 'scopes', 'human', 'delegation'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/**
 * How each check went: `passed`, `failed`, `not-checked` (nothing to check against was given),
 * `waived` (the caller turned it off explicitly), `unavailable` (it could not run: the keys could
 * not be fetched).
 */
export type CheckOutcome = 'passed' | 'failed' | 'not-checked' | 'waived' | 'unavailable';
export type Checks = Readonly<Record<CheckName, CheckOutcome>>;

/** Which check each rule belongs to; rules not listed (notes about files) belong to none. */
const CHECK_OF: Partial<Record<RuleCode, CheckName>> = {
  AGBAC060: 'signature', AGBAC090: 'signature', AGBAC100: 'signature', AGBAC101: 'signature', AGBAC102: 'signature', AGBAC122: 'signature',
  AGBAC124: 'signature',
  AGBAC103: 'issuer',
  AGBAC104: 'audience',
  AGBAC023: 'lifetime', AGBAC105: 'lifetime', AGBAC106: 'lifetime', AGBAC107: 'lifetime', AGBAC108: 'lifetime', AGBAC121: 'lifetime',
  AGBAC109: 'agent', AGBAC110: 'agent', AGBAC111: 'agent', AGBAC114: 'agent', AGBAC125: 'agent',
  AGBAC112: 'scopes',
  AGBAC029: 'human', AGBAC030: 'human', AGBAC031: 'human', AGBAC032: 'human', AGBAC113: 'human', AGBAC115: 'human', AGBAC116: 'human',
  AGBAC118: 'human', AGBAC119: 'human', AGBAC120: 'human', AGBAC123: 'human',
  AGBAC040: 'delegation', AGBAC041: 'delegation', AGBAC042: 'delegation', AGBAC043: 'delegation', AGBAC044: 'delegation',
  AGBAC045: 'delegation', AGBAC046: 'delegation', AGBAC047: 'delegation', AGBAC048: 'delegation', AGBAC049: 'delegation',
  // The delegation policy's findings: whose permission failed, or which part of the delegation.
  AGBAC140: 'agent', AGBAC141: 'human', AGBAC142: 'delegation', AGBAC143: 'delegation', AGBAC144: 'delegation', AGBAC145: 'delegation',
};

/** What the caller gave to check against; a check with nothing to compare to is `not-checked`. */
export interface CheckInputs {
  readonly issuer: boolean;
  readonly audience: boolean;
  readonly agents: 'approval' | 'waived' | 'none';
  readonly scopes: boolean;
  readonly human: 'approval' | 'waived' | 'none';
  readonly delegation: boolean;
}

/** The outcome of every check, from the findings and what was given to check against. */
export function checksOf(findings: readonly Finding[], given: CheckInputs): Checks {
  const failed = new Set<CheckName>();
  let keysUnavailable = false;
  for (const finding of findings) {
    if (finding.severity !== 'error') continue;
    if (finding.code === 'AGBAC124') keysUnavailable = true;
    // A subject approved by nothing (AGBAC120, AGBAC125) is the absence of a check, not a failed one.
    else if (finding.code !== 'AGBAC120' && finding.code !== 'AGBAC125') {
      const check = CHECK_OF[finding.code];
      if (check) failed.add(check);
    }
  }
  const outcome = (check: CheckName, ran: boolean): CheckOutcome => (failed.has(check) ? 'failed' : ran ? 'passed' : 'not-checked');
  return {
    signature: failed.has('signature') ? 'failed' : keysUnavailable ? 'unavailable' : 'passed',
    issuer: outcome('issuer', given.issuer),
    audience: outcome('audience', given.audience),
    lifetime: outcome('lifetime', true),
    agent: failed.has('agent') ? 'failed' : given.agents === 'approval' ? 'passed' : given.agents === 'waived' ? 'waived' : 'not-checked',
    scopes: outcome('scopes', given.scopes),
    human: failed.has('human') ? 'failed' : given.human === 'approval' ? 'passed' : given.human === 'waived' ? 'waived' : 'not-checked',
    delegation: outcome('delegation', given.delegation),
  };
}

/** A structured record of one decision. It names people by id only: never by email or name. */
export interface AuditEvent {
  readonly timestamp: string;
  readonly event_type: 'AGBAC_DECISION';
  readonly correlation_id: string;
  readonly decision: Decision;
  readonly agent_id: string | null;
  readonly human_id: string | null;
  readonly action: string | null;
  readonly resource: string | null;
  /** Rule code and name of every failed required check, e.g. `AGBAC115 human-not-approved`. */
  readonly reasons: readonly string[];
  /** How each check went, so an event says which checks ran (and which were waived). */
  readonly checks: Checks;
  readonly token_id: string | null;
  readonly agbac_ver?: string;
  /**
   * The delegation's type and context (AGBAC 1.0 §11): its type (`explicit`, `implicit`, `system`,
   * or `unknown`), what vouches for the human (`sign-in`: their own sign-in, exchanged; `agent`: the
   * agent's word), the token's shape, the agents that acted, when it was granted and how long ago,
   * and the token's own `delegation.method` and `delegation_expiry` when it has them.
   */
  readonly delegation?: {
    readonly type?: DelegationType;
    readonly evidence?: DelegationEvidence;
    readonly shape?: string;
    readonly chain?: readonly string[];
    readonly method?: string;
    readonly granted_at?: string;
    readonly age_seconds?: number;
    readonly expiry?: string | number;
  };
  /** With a delegation policy: each §7.1 check's outcome, and the delegation that permits (its index). */
  readonly policy?: { readonly rule: number | null; readonly checks: Readonly<Record<string, 'passed' | 'failed'>> };
}

export interface AuditInput {
  readonly now: number;
  readonly decision: Decision;
  readonly findings: readonly Finding[];
  readonly checks: Checks;
  readonly agent: string | undefined;
  readonly human: string | undefined;
  readonly payload: JsonRecord | undefined;
  readonly action?: string;
  readonly resource?: string;
  /** Ties the event to the request; the caller makes one when the request has none. */
  readonly correlationId: string;
  /** The token's delegation, read under its mapping. */
  readonly delegation?: DelegationContext;
  readonly policy?: PolicyDecision;
}

/** Builds the audit event of a decision. An email in an id position is redacted, not logged. */
export function auditEvent(input: AuditInput): AuditEvent {
  const payload = input.payload ?? {};
  const delegation = isRecord(payload.delegation) ? payload.delegation : undefined;
  const expiry = payload.delegation_expiry;
  return {
    timestamp: isoTime(input.now),
    event_type: 'AGBAC_DECISION',
    correlation_id: input.correlationId,
    decision: input.decision,
    agent_id: redactId(input.agent),
    human_id: redactId(input.human),
    action: input.action ?? null,
    resource: input.resource ?? null,
    reasons: input.findings
      .filter((finding) => finding.severity === 'error')
      .map((finding) => `${finding.code} ${ruleFor(finding.code).name}`)
      .filter((reason, index, all) => all.indexOf(reason) === index),
    checks: input.checks,
    token_id: typeof payload.jti === 'string' ? payload.jti : null,
    ...(typeof payload.agbac_ver === 'string' ? { agbac_ver: payload.agbac_ver } : {}),
    ...(delegation || expiry !== undefined || input.delegation
      ? {
          delegation: {
            ...(input.delegation ? { type: input.delegation.type, evidence: input.delegation.evidence, shape: input.delegation.shape, chain: input.delegation.chain.map((id) => redactId(id) ?? '') } : {}),
            ...(typeof delegation?.method === 'string' ? { method: delegation.method } : {}),
            ...grantTime(delegation, input),
            ...(typeof expiry === 'string' || typeof expiry === 'number' ? { expiry } : {}),
          },
        }
      : {}),
    ...(input.policy
      ? { policy: { rule: input.policy.rule ?? null, checks: Object.fromEntries(input.policy.checks.map((check) => [check.name, check.outcome])) } }
      : {}),
  };
}

/** When the delegation was granted (the claim's own text, else the sign-in's time) and its age. */
function grantTime(claimed: JsonRecord | undefined, input: AuditInput): { granted_at?: string; age_seconds?: number } {
  const at = input.delegation?.grantedAt;
  const text = typeof claimed?.granted_at === 'string' ? claimed.granted_at : at !== undefined ? isoTime(at) : undefined;
  return {
    ...(text !== undefined ? { granted_at: text } : {}),
    ...(at !== undefined ? { age_seconds: Math.max(0, Math.round(input.now - at)) } : {}),
  };
}

function redactId(id: string | undefined): string | null {
  if (id === undefined) return null;
  return looksLikeEmail(id) ? '[email redacted]' : id;
}
