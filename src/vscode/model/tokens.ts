/**
 * Tokens the editor obtained or was handed, kept in memory only (never in settings, state or
 * logs), and how their remaining life reads. No VS Code here: tested on plain Node.
 */
import type { Human, JsonRecord, Verification } from '../../core';

/** Where a token came from: a Request Token run, or a JWT someone pasted or selected. */
export type TokenSource = 'request' | 'pasted';

export interface RecentToken {
  /** A random id: what the tree, the inspector and commands pass around instead of the token. */
  readonly id: string;
  readonly source: TokenSource;
  /** The whole compact JWT. In memory only. */
  readonly token: string;
  /** The connection it was requested through (or checked against). */
  readonly connection: string | undefined;
  readonly human: Human | undefined;
  readonly scopes: readonly string[];
  /** The client assertion payload that obtained it, when known (for the act round trip). */
  readonly assertion: JsonRecord | undefined;
  /** Seconds since the epoch. */
  readonly receivedAt: number;
  /** The token's exp, when it has one. */
  readonly expiresAt: number | undefined;
  /** The last verification, once verified. */
  checked?: CheckedToken;
}

/** A verification and how the human was (or was not) approved in it. */
export interface CheckedToken {
  readonly verification: Verification;
  /** In words, e.g. "member of FinanceUsers", when the human was checked. */
  readonly humanApproval: string | undefined;
  /** Why the human was not checked, when not. */
  readonly humanUnchecked: string | undefined;
}

/** Remaining life as a countdown: "59:12", "1:02:03", "expired". */
export function remainingLife(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) return 'no expiry';
  const left = Math.floor(expiresAt - now);
  if (left <= 0) return 'expired';
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  const seconds = left % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

/** Who a token acts for, in a few words: the name, else the email, else the user id. */
export function humanLabel(human: Human | undefined): string {
  if (!human) return 'no human';
  return human.name ?? human.email ?? human.id;
}

/** Keeps the newest tokens first, at most `limit` of them. */
export function withToken(tokens: readonly RecentToken[], token: RecentToken, limit = 20): RecentToken[] {
  return [token, ...tokens.filter((existing) => existing.id !== token.id)].slice(0, limit);
}
