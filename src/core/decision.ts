/**
 * The dual-subject decision and its audit event. AGBAC allows a request only when every required
 * check passes: the token is genuine and current, the agent is authorized, the human is authorized,
 * and the delegation (when the profile has one) is valid.
 */
import { ruleFor } from './rules/catalogue';
import type { Finding } from './rules/finding';
import { isoTime } from './time';
import { isRecord, type JsonRecord } from './rules/finding';
import { looksLikeEmail } from './rules/shared';

export type Decision = 'ALLOW' | 'DENY';

/** ALLOW iff no finding is an error. Warnings and notes never deny. */
export function decide(findings: readonly Finding[]): Decision {
  return findings.some((finding) => finding.severity === 'error') ? 'DENY' : 'ALLOW';
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
  readonly token_id: string | null;
  readonly agbac_ver?: string;
  readonly delegation?: { readonly method?: string; readonly granted_at?: string; readonly expiry?: string | number };
}

export interface AuditInput {
  readonly now: number;
  readonly decision: Decision;
  readonly findings: readonly Finding[];
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
