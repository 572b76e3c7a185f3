/** Checks shared by assertions and access tokens: the human in `act`, and AGBAC 1.0's delegation. */
import { AGBAC_VERSIONS, DELEGATION_METHODS } from '../profiles';
import { isNumericDate, isoTime, parseIsoTime, relativeTime } from '../time';
import { type FindingList, isNonEmptyString, isRecord, type JsonPath, type JsonRecord, kindOf, quote } from './finding';

/** Okta user ids: `00u` and then letters and digits (20 characters in real orgs). */
const USER_ID = /^00u[A-Za-z0-9]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ACTOR_MEMBERS = new Set(['sub', 'email', 'name']);

export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function looksLikeUserId(value: string): boolean {
  return USER_ID.test(value);
}

/** Okta app (client) ids start with `0oa`. */
export function looksLikeClientId(value: string): boolean {
  return /^0oa[A-Za-z0-9]+$/.test(value);
}

/**
 * The human in an actor object: present, an object, with a `sub` that is an Okta user id.
 * `path` is where the actor object is (`['act']`).
 */
export function checkActor(actor: unknown, path: JsonPath, findings: FindingList, target: 'assertion' | 'token' = 'assertion'): void {
  if (!isRecord(actor)) {
    findings.add('AGBAC029', path, { kind: kindOf(actor) });
    return;
  }
  const sub = actor.sub;
  if (!isNonEmptyString(sub)) {
    findings.add('AGBAC030', [...path, 'sub']);
  } else {
    checkHumanId(sub, [...path, 'sub'], findings, target);
  }
  if (actor.email !== undefined && !(typeof actor.email === 'string' && looksLikeEmail(actor.email))) {
    findings.add('AGBAC034', [...path, 'email'], { value: quote(actor.email) });
  }
  for (const member of Object.keys(actor)) {
    if (!ACTOR_MEMBERS.has(member)) findings.add('AGBAC035', [...path, member], { member });
  }
}

/**
 * A human identifier must be an Okta user id, never an email. In an assertion another form is a
 * warning (the token will be denied later); in a token it is the denial itself, because the human
 * is approved by identity and an alias names whoever holds it.
 */
export function checkHumanId(value: string, path: JsonPath, findings: FindingList, target: 'assertion' | 'token' = 'assertion'): void {
  if (looksLikeEmail(value)) {
    findings.add('AGBAC031', path, { value });
  } else if (!looksLikeUserId(value)) {
    if (target === 'token') findings.add('AGBAC118', path, { value: quote(value) });
    else findings.add('AGBAC032', path, { value });
  } else if (value.length - 3 < 15 || value.length - 3 > 17) {
    findings.add('AGBAC033', path, { value, length: value.length - 3 });
  }
}

/** AGBAC 1.0's `delegation`, `agbac_ver` and `delegation_expiry` (checked when present; required under agbac-1.0). */
export function checkDelegation(payload: JsonRecord, now: number, skew: number, findings: FindingList): void {
  const delegation = payload.delegation;
  if (delegation === undefined) {
    findings.add('AGBAC040', ['delegation']);
  } else if (!isRecord(delegation)) {
    findings.add('AGBAC041', ['delegation'], { kind: kindOf(delegation) });
  } else {
    const grantedAt = parseIsoTime(delegation.granted_at);
    if (grantedAt === undefined) {
      findings.add('AGBAC042', ['delegation', 'granted_at'], { value: quote(delegation.granted_at) });
    } else if (grantedAt > now + skew) {
      findings.add('AGBAC043', ['delegation', 'granted_at'], { distance: relativeTime(grantedAt, now).replace(/^in /, '') });
    }
    if (typeof delegation.method !== 'string' || !(DELEGATION_METHODS as readonly string[]).includes(delegation.method)) {
      findings.add('AGBAC044', ['delegation', 'method'], { value: quote(delegation.method) });
    }
    if (!isNonEmptyString(delegation.intent_summary)) {
      findings.add('AGBAC045', ['delegation', 'intent_summary']);
    }
  }

  const version = payload.agbac_ver;
  if (version === undefined) {
    findings.add('AGBAC046', ['agbac_ver']);
  } else if (typeof version !== 'string' || !(AGBAC_VERSIONS as readonly string[]).includes(version)) {
    findings.add('AGBAC047', ['agbac_ver'], { value: quote(version) });
  }

  const expiry = payload.delegation_expiry;
  if (expiry !== undefined) {
    const seconds = isNumericDate(expiry) ? expiry : parseIsoTime(expiry);
    if (seconds === undefined) {
      findings.add('AGBAC049', ['delegation_expiry'], { value: quote(expiry) });
    } else if (seconds + skew < now) {
      findings.add('AGBAC048', ['delegation_expiry'], { ago: relativeTime(seconds, now), time: isoTime(seconds) });
    }
  }
}

