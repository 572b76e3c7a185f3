/**
 * What the Token Inspector's webview and the extension say to each other, typed both ways and
 * checked on arrival (a message is data from another process). Shared by the extension
 * (src/vscode/inspector.ts) and the webview script (src/vscode/webview/inspector.ts); no VS Code
 * and no DOM here.
 *
 * The view model holds the decoded claims and what the checks found, never the compact token: it
 * is what the webview keeps as its state, so a reload shows the last token again without any
 * token being stored.
 */

import { type Decision, DECISIONS } from '../../core/decision';
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'note' | 'unchecked';

export interface ChecklistRow {
  readonly code: string;
  readonly name: string;
  readonly status: CheckStatus;
  /** The finding's message, or what passing means, or why the rule was not checked. */
  readonly text: string;
}

export interface ChecklistGroup {
  readonly title: string;
  readonly rows: readonly ChecklistRow[];
}

export interface ClaimRow {
  /** `act.sub` for a member of a claim object. */
  readonly name: string;
  /** The value as JSON text. */
  readonly value: string;
  readonly summary?: string;
  readonly detail?: string;
  readonly depth: number;
}

export interface TimeMark {
  readonly claim: 'iat' | 'nbf' | 'exp';
  /** Seconds since the epoch. */
  readonly at: number;
  readonly iso: string;
}

export interface SubjectCard {
  readonly role: 'agent' | 'human';
  /** The claim it was read from (`sub`, `act.sub`). */
  readonly claim: string;
  readonly id: string | undefined;
  /** Other facts worth showing: cid, email, name, scopes. */
  readonly facts: readonly { readonly label: string; readonly value: string }[];
}

/** The delegation an access token carries, as the inspector shows it. */
export interface DelegationView {
  /** AGBAC 1.0's method: explicit, implicit, system, or unknown. */
  readonly type: string;
  /** What vouches for the human, in words. */
  readonly evidence: string;
  /** The token's shape (the mapping it was read with). */
  readonly shape: string;
  /** When the delegation was granted (ISO 8601), when the token says. */
  readonly grantedAt?: string;
  /** Who delegated to whom: the human, then each agent that acted (the first one first). */
  readonly chain: readonly { readonly role: 'human' | 'agent'; readonly id: string; readonly note: string }[];
}

export interface RoundTrip {
  readonly status: 'pass' | 'fail' | 'unknown';
  readonly text: string;
  readonly assertionAct?: string;
  readonly tokenAct?: string;
}

export interface InspectorModel {
  /** The in-memory token this view shows; absent or stale after a reload (then actions are off). */
  readonly tokenId: string | undefined;
  readonly kind: 'access token' | 'client assertion';
  readonly title: string;
  /** The connection it came through, when known. */
  readonly connection: string | undefined;
  /** `eyJhbGci…<last 6>`. */
  readonly redacted: string;
  readonly decision: Decision | undefined;
  /** Why there is no decision yet, or a summary of the decision. */
  readonly verdict: string;
  readonly subjects: readonly SubjectCard[];
  /** An access token's delegation: its chain, type and evidence. */
  readonly delegation?: DelegationView;
  readonly times: readonly TimeMark[];
  readonly checklist: readonly ChecklistGroup[];
  readonly roundTrip: RoundTrip;
  readonly header: readonly ClaimRow[];
  readonly payload: readonly ClaimRow[];
  /** The audit event as JSON text, once verified. */
  readonly audit: string | undefined;
  /** Seconds since the epoch when the model was made (the webview moves "now" on by itself). */
  readonly madeAt: number;
}

export type InspectorAction = 'verify' | 'copy' | 'openJson' | 'exportAudit' | 'copyCurl' | 'requestToken' | 'inspectToken' | 'startSandbox';

export const INSPECTOR_ACTIONS: readonly InspectorAction[] = ['verify', 'copy', 'openJson', 'exportAudit', 'copyCurl', 'requestToken', 'inspectToken', 'startSandbox'];

/** From the extension to the webview. */
export type ToWebview =
  | { readonly type: 'show'; readonly model: InspectorModel | null; readonly live: boolean }
  | { readonly type: 'busy'; readonly text: string | null };

/** From the webview to the extension. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: InspectorAction; readonly tokenId?: string }
  | { readonly type: 'explain'; readonly code: string }
  | { readonly type: 'stateSaved'; readonly state: InspectorState };

/** What the webview keeps across reloads (vscode.setState). */
export interface InspectorState {
  readonly model: InspectorModel | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a message from the webview; undefined for anything else. */
export function readFromWebview(value: unknown): FromWebview | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'action':
      if (!INSPECTOR_ACTIONS.includes(value.action as InspectorAction)) return undefined;
      if (value.tokenId !== undefined && (typeof value.tokenId !== 'string' || !/^[\w-]{1,64}$/.test(value.tokenId))) return undefined;
      return { type: 'action', action: value.action as InspectorAction, ...(typeof value.tokenId === 'string' ? { tokenId: value.tokenId } : {}) };
    case 'explain':
      return typeof value.code === 'string' && /^AGBAC\d{3}$/.test(value.code) ? { type: 'explain', code: value.code } : undefined;
    case 'stateSaved': {
      const state = readInspectorState(value.state);
      return state ? { type: 'stateSaved', state } : undefined;
    }
    default:
      return undefined;
  }
}

/** Checks a message from the extension (the webview trusts nothing it did not check either). */
export function readToWebview(value: unknown): ToWebview | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'busy') return { type: 'busy', text: typeof value.text === 'string' ? value.text : null };
  if (value.type === 'show') {
    if (value.model === null) return { type: 'show', model: null, live: false };
    return isInspectorModel(value.model) ? { type: 'show', model: value.model, live: value.live === true } : undefined;
  }
  return undefined;
}

/** Checks a stored state (from a previous session: it may be old or damaged). */
export function readInspectorState(value: unknown): InspectorState | undefined {
  if (!isObject(value)) return undefined;
  if (value.model === null) return { model: null };
  return isInspectorModel(value.model) ? { model: value.model } : undefined;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isArrayOf = <T>(value: unknown, item: (entry: unknown) => entry is T): value is T[] => Array.isArray(value) && value.every(item);

function isClaimRow(value: unknown): value is ClaimRow {
  return isObject(value) && isString(value.name) && isString(value.value) && typeof value.depth === 'number';
}

function isChecklistGroup(value: unknown): value is ChecklistGroup {
  return isObject(value) && isString(value.title) && isArrayOf(value.rows, (row): row is ChecklistRow =>
    isObject(row) && isString(row.code) && isString(row.name) && isString(row.text) && ['pass', 'fail', 'warn', 'note', 'unchecked'].includes(row.status as string));
}

function isSubjectCard(value: unknown): value is SubjectCard {
  return isObject(value) && (value.role === 'agent' || value.role === 'human') && isString(value.claim) && (value.id === undefined || isString(value.id)) &&
    isArrayOf(value.facts, (fact): fact is { label: string; value: string } => isObject(fact) && isString(fact.label) && isString(fact.value));
}

function isDelegationView(value: unknown): value is DelegationView {
  return isObject(value) && isString(value.type) && isString(value.evidence) && isString(value.shape) && (value.grantedAt === undefined || isString(value.grantedAt)) &&
    isArrayOf(value.chain, (link): link is DelegationView['chain'][number] => isObject(link) && (link.role === 'human' || link.role === 'agent') && isString(link.id) && isString(link.note));
}

function isTimeMark(value: unknown): value is TimeMark {
  return isObject(value) && ['iat', 'nbf', 'exp'].includes(value.claim as string) && typeof value.at === 'number' && isString(value.iso);
}

/** The shape check of a view model: every field the webview reads, with its type. */
export function isInspectorModel(value: unknown): value is InspectorModel {
  if (!isObject(value)) return false;
  const roundTrip = value.roundTrip;
  return (
    (value.tokenId === undefined || isString(value.tokenId)) &&
    (value.kind === 'access token' || value.kind === 'client assertion') &&
    isString(value.title) &&
    (value.connection === undefined || isString(value.connection)) &&
    isString(value.redacted) &&
    (value.decision === undefined || (DECISIONS as readonly unknown[]).includes(value.decision)) &&
    isString(value.verdict) &&
    isArrayOf(value.subjects, isSubjectCard) &&
    (value.delegation === undefined || isDelegationView(value.delegation)) &&
    isArrayOf(value.times, isTimeMark) &&
    isArrayOf(value.checklist, isChecklistGroup) &&
    isObject(roundTrip) && ['pass', 'fail', 'unknown'].includes(roundTrip.status as string) && isString(roundTrip.text) &&
    isArrayOf(value.header, isClaimRow) &&
    isArrayOf(value.payload, isClaimRow) &&
    (value.audit === undefined || isString(value.audit)) &&
    typeof value.madeAt === 'number'
  );
}
