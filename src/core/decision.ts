/**
 * The dual-subject decision and its audit event. AGBAC allows a request only when every required
 * check passes: the token is genuine and current, the agent is authorized, the human is authorized,
 * and the delegation (when the profile has one) is valid.
 *
 * The outcomes: `ALLOW` means both subjects were approved, always; `DENY` that a check failed or
 * the human was approved by nothing; `ALLOW_HUMAN_UNCHECKED` that every check that ran passed
 * while the caller explicitly waived the human's approval. It is a distinct word so that no
 * reader of the output or the audit log can take it for a dual-subject ALLOW.
 */
import { type RuleCode, ruleFor } from './rules/catalogue';
import type { Finding } from './rules/finding';
import { isoTime } from './time';
import { isRecord, type JsonRecord } from './rules/finding';
import { looksLikeEmail } from './rules/shared';

export type Decision = 'ALLOW' | 'DENY' | 'ALLOW_HUMAN_UNCHECKED';

/**
 * ALLOW iff no finding is an error (warnings and notes never deny); ALLOW_HUMAN_UNCHECKED instead
 * when the human's approval was waived.
 */
export function decide(findings: readonly Finding[], human: 'approved' | 'waived' = 'approved'): Decision {
  if (findings.some((finding) => finding.severity === 'error')) return 'DENY';
  return human === 'waived' ? 'ALLOW_HUMAN_UNCHECKED' : 'ALLOW';
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
  AGBAC109: 'agent', AGBAC110: 'agent', AGBAC111: 'agent', AGBAC114: 'agent',
  AGBAC112: 'scopes',
  AGBAC029: 'human', AGBAC030: 'human', AGBAC031: 'human', AGBAC032: 'human', AGBAC113: 'human', AGBAC115: 'human', AGBAC116: 'human',
  AGBAC118: 'human', AGBAC119: 'human', AGBAC120: 'human', AGBAC123: 'human',
  AGBAC040: 'delegation', AGBAC041: 'delegation', AGBAC042: 'delegation', AGBAC043: 'delegation', AGBAC044: 'delegation',
  AGBAC045: 'delegation', AGBAC046: 'delegation', AGBAC047: 'delegation', AGBAC048: 'delegation', AGBAC049: 'delegation',
};

/** What the caller gave to check against; a check with nothing to compare to is `not-checked`. */
export interface CheckInputs {
  readonly issuer: boolean;
  readonly audience: boolean;
  readonly agents: boolean;
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
    // An unapproved human (AGBAC120) is the absence of a check, not a failed one.
    else if (finding.code !== 'AGBAC120') {
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
    agent: outcome('agent', given.agents),
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
  readonly delegation?: { readonly method?: string; readonly granted_at?: string; readonly expiry?: string | number };
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
    ...(delegation || expiry !== undefined
      ? {
          delegation: {
            ...(typeof delegation?.method === 'string' ? { method: delegation.method } : {}),
            ...(typeof delegation?.granted_at === 'string' ? { granted_at: delegation.granted_at } : {}),
            ...(typeof expiry === 'string' || typeof expiry === 'number' ? { expiry } : {}),
          },
        }
      : {}),
  };
}

function redactId(id: string | undefined): string | null {
  if (id === undefined) return null;
  return looksLikeEmail(id) ? '[email redacted]' : id;
}
