/**
 * Quick fixes: for a finding in a payload object, the edit that repairs it. Pure text edits over
 * jsonc-parser's `modify`, so the editor, the CLI and tests apply exactly the same change.
 */
import { applyEdits, type FormattingOptions, modify } from 'jsonc-parser';
import { freshTimes } from './inputs';
import type { LocatedFinding } from './lint';
import { ASSERTION_LIMITS, type AudienceStyle } from './profiles';
import { type FixKind, ruleFor } from './rules/catalogue';
import { isNonEmptyString, isRecord, type JsonPath, type JsonRecord } from './rules/finding';
import { looksLikeClientId, looksLikeEmail, looksLikeUserId } from './rules/shared';
import { isNumericDate, isoTime } from './time';
import { issuerFromTokenEndpoint, oktaUrlShape, urlsFromIssuer } from './urls';

/** What fixes may fill in. Unknown values make some fixes unavailable or leave a placeholder. */
export interface FixContext {
  /** Seconds since the epoch. */
  readonly now: number;
  readonly clientId?: string;
  readonly tokenEndpoint?: string;
  readonly issuer?: string;
  readonly audienceStyle?: AudienceStyle;
  /** The human's Okta user id, when it was looked up (e.g. from `act.sub`'s email). */
  readonly userId?: string;
  /** Fresh `jti` values, e.g. `() => crypto.randomUUID()` (the core has no randomness of its own). */
  readonly newId: () => string;
  readonly formatting?: FormattingOptions;
}

/** One edit of the text: replace `length` characters at `offset` by `content`. */
export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly content: string;
}

export interface Fix {
  readonly kind: FixKind;
  readonly title: string;
  /** A single minimal edit of the original text. */
  readonly edit: TextEdit;
}

/** A placeholder that is visibly not a user id (it keeps AGBAC032 on until replaced). */
export const USER_ID_PLACEHOLDER = '00u_REPLACE_WITH_OKTA_USER_ID';

type Change = { readonly path: JsonPath; readonly value: unknown };

/** The fix for a finding, or undefined when it has none or lacks what it needs. */
export function fixFor(text: string, finding: LocatedFinding, context: FixContext): Fix | undefined {
  const kind = ruleFor(finding.code).fix;
  const site = finding.site;
  if (!kind || !site || site.origin !== 'object' || !isRecord(site.payload)) return undefined;
  const planned = plan(kind, site.payload, context);
  if (!planned) return undefined;
  const formatting = context.formatting ?? { tabSize: 2, insertSpaces: true, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  let result = text;
  for (const change of planned.changes) {
    result = applyEdits(result, modify(result, [...site.path, ...change.path], change.value, { formattingOptions: formatting }));
  }
  if (result === text) return undefined;
  return { kind, title: planned.title, edit: minimalEdit(text, result) };
}

/** Applies one edit to a text. */
export function applyTextEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.offset) + edit.content + text.slice(edit.offset + edit.length);
}

function plan(kind: FixKind, payload: JsonRecord, context: FixContext): { title: string; changes: Change[] } | undefined {
  const lifetime = ASSERTION_LIMITS.conventionalLifetimeSeconds;
  switch (kind) {
    case 'set-client-id': {
      // Without a known client id, prefer whichever of iss and sub looks like one (0oa…).
      const candidates = [payload.iss, payload.sub].filter(isNonEmptyString);
      const id = context.clientId ?? candidates.find(looksLikeClientId) ?? candidates[0];
      if (!id) return undefined;
      return {
        title: context.clientId ? `Set iss and sub to the client id ${id}` : `Set iss and sub to ${id}`,
        changes: [{ path: ['iss'], value: id }, { path: ['sub'], value: id }],
      };
    }
    case 'set-aud': {
      const target = audienceTarget(payload.aud, context);
      if (!target) return undefined;
      return { title: target.title, changes: [{ path: ['aud'], value: target.url }] };
    }
    case 'set-exp-conventional':
      if (isNumericDate(payload.iat)) {
        return { title: `Set exp to iat + ${lifetime}`, changes: [{ path: ['exp'], value: Math.trunc(payload.iat) + lifetime }] };
      }
      return refreshTimes(payload, context.now);
    case 'refresh-times':
      return refreshTimes(payload, context.now);
    case 'generate-jti':
      return { title: 'Generate a random jti', changes: [{ path: ['jti'], value: context.newId() }] };
    case 'add-act':
      return { title: 'Add an act object for the human', changes: [{ path: ['act'], value: actorSkeleton(payload.act, context.userId) }] };
    case 'act-sub-user-id':
      return actorUserId(payload.act, context.userId);
    case 'add-delegation': {
      const current = isRecord(payload.delegation) ? payload.delegation : {};
      const delegation = {
        granted_at: typeof current.granted_at === 'string' && !Number.isNaN(Date.parse(current.granted_at)) ? current.granted_at : isoTime(context.now),
        method: current.method ?? 'explicit',
        intent_summary: isNonEmptyString(current.intent_summary) ? current.intent_summary : 'Describe what the human asked the agent to do',
      };
      const changes: Change[] = [{ path: ['delegation'], value: delegation }];
      if (payload.agbac_ver === undefined) changes.push({ path: ['agbac_ver'], value: '1.0' });
      return { title: 'Add the AGBAC 1.0 delegation object', changes };
    }
    case 'add-agbac-ver':
      return { title: 'Set "agbac_ver": "1.0"', changes: [{ path: ['agbac_ver'], value: '1.0' }] };
  }
}

function audienceTarget(aud: unknown, context: FixContext): { url: string; title: string } | undefined {
  const issuer =
    context.issuer ??
    (context.tokenEndpoint ? issuerFromTokenEndpoint(context.tokenEndpoint) : undefined) ??
    (typeof aud === 'string' && oktaUrlShape(aud) === 'issuer' ? aud.replace(/\/+$/, '') : undefined);
  const tokenEndpoint = context.tokenEndpoint ?? (issuer ? urlsFromIssuer(issuer).tokenEndpoint : undefined);
  if (context.audienceStyle === 'issuer') {
    return issuer ? { url: issuer, title: `Set aud to the issuer ${issuer} (the guide's convention)` } : undefined;
  }
  return tokenEndpoint ? { url: tokenEndpoint, title: `Set aud to the token endpoint ${tokenEndpoint}` } : undefined;
}

function refreshTimes(payload: JsonRecord, now: number): { title: string; changes: Change[] } {
  const changes: Change[] = Object.entries(freshTimes(payload, now)).map(([claim, value]) => ({ path: [claim], value }));
  return { title: `Refresh iat and exp to now (+${ASSERTION_LIMITS.conventionalLifetimeSeconds} s)`, changes };
}

function actorSkeleton(current: unknown, userId: string | undefined): JsonRecord {
  if (typeof current === 'string' && looksLikeEmail(current)) return { sub: userId ?? USER_ID_PLACEHOLDER, email: current };
  if (typeof current === 'string' && looksLikeUserId(current)) return { sub: current };
  return { sub: userId ?? USER_ID_PLACEHOLDER, email: 'human@example.com', name: 'Human Name' };
}

function actorUserId(actor: unknown, userId: string | undefined): { title: string; changes: Change[] } | undefined {
  if (!isRecord(actor)) return undefined;
  const changes: Change[] = [{ path: ['act', 'sub'], value: userId ?? USER_ID_PLACEHOLDER }];
  // An email found in act.sub moves to act.email rather than being lost.
  if (typeof actor.sub === 'string' && looksLikeEmail(actor.sub) && actor.email === undefined) {
    changes.push({ path: ['act', 'email'], value: actor.sub });
  }
  const title = userId ? `Use the Okta user id ${userId} for act.sub` : 'Replace act.sub with a user id placeholder';
  return { title, changes };
}

/** The smallest single edit that turns `before` into `after`. */
function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return { offset: start, length: endBefore - start, content: after.slice(start, endAfter) };
}
