/**
 * Custom claims of access tokens. The sandbox evaluates a small part of Okta's expression
 * language: the setup guide's `clientAssertion.claims.<name>` (with nested members, e.g.
 * `clientAssertion.claims.act.sub`), string literals (`"finance"`), and `app.clientId`.
 *
 * Note: `clientAssertion` is the guide's configuration; Okta's documentation does not list it
 * among the expression roots, so a real org may not evaluate it (see the facts document, §4).
 * Anything that evaluates to nothing leaves the claim out of the token, as Okta does.
 */
import { isRecord, type JsonObject } from '../core';
import type { AppRecord, ClaimRecord } from './model';
import { RESERVED_CLAIMS } from './shapes';

export interface ClaimContext {
  readonly app: AppRecord;
  /** The verified client assertion's payload, when the client authenticated with one. */
  readonly assertion: JsonObject | undefined;
  /** The scopes being granted. */
  readonly scopes: readonly string[];
}

const ASSERTION_PATH = /^clientAssertion\.claims((?:\.[A-Za-z_$][A-Za-z0-9_$]*)+)$/;

/** The value of an EXPRESSION claim, or undefined when it evaluates to nothing. */
export function evaluateExpression(expression: string, context: Pick<ClaimContext, 'app' | 'assertion'>): unknown {
  const text = expression.trim();
  const literal = stringLiteral(text);
  if (literal !== undefined) return literal;
  if (text === 'app.clientId') return context.app.clientId;
  const match = ASSERTION_PATH.exec(text);
  if (match?.[1] && context.assertion) {
    let value: unknown = context.assertion;
    for (const name of match[1].slice(1).split('.')) {
      value = isRecord(value) && Object.hasOwn(value, name) ? value[name] : undefined;
    }
    return value === null ? undefined : value;
  }
  return undefined;
}

/** `"text"` or `'text'` (with backslash escapes) as the string it spells. */
function stringLiteral(text: string): string | undefined {
  const quote = text[0];
  if ((quote !== '"' && quote !== "'") || text.length < 2 || !text.endsWith(quote)) return undefined;
  const body = text.slice(1, -1);
  let result = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index];
    if (char === '\\' && index + 1 < body.length) {
      index += 1;
      result += body[index];
    } else if (char === quote) {
      return undefined;
    } else {
      result += char;
    }
  }
  return result;
}

/** True when a claim applies to these scopes: "any scope" (empty or `*`) or one of its scopes granted. */
function appliesTo(claim: ClaimRecord, scopes: readonly string[]): boolean {
  if (claim.scopes.length === 0 || claim.scopes.includes('*')) return true;
  return claim.scopes.some((scope) => scopes.includes(scope));
}

/**
 * The custom claims of an access token: ACTIVE RESOURCE claims whose scope condition matches and
 * whose value evaluates to something. Never overrides Okta's own claims.
 */
export function customClaims(claims: readonly ClaimRecord[], context: ClaimContext): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const claim of claims) {
    if (claim.status !== 'ACTIVE' || claim.claimType !== 'RESOURCE' || claim.valueType !== 'EXPRESSION') continue;
    if ((RESERVED_CLAIMS as readonly string[]).includes(claim.name) || !appliesTo(claim, context.scopes)) continue;
    const value = evaluateExpression(claim.value, context);
    if (value !== undefined) result[claim.name] = value;
  }
  return result;
}
