/** Building client assertion payloads the way Okta accepts them. */
import { InputError } from './errors';
import { ASSERTION_LIMITS, type AudienceStyle, DELEGATION_METHODS } from './profiles';
import { isoTime } from './time';
import type { JsonRecord } from './rules/finding';

/** The human an agent acts for. `id` is the Okta user id (`00u…`). */
export interface Human {
  readonly id: string;
  readonly email?: string;
  readonly name?: string;
}

/** AGBAC 1.0's record of how the human delegated to the agent. */
export interface Delegation {
  readonly method: (typeof DELEGATION_METHODS)[number];
  readonly intentSummary: string;
  /** Seconds since the epoch; default: now. */
  readonly grantedAt?: number;
  /** Seconds since the epoch; written as `delegation_expiry`. */
  readonly expiresAt?: number;
}

export interface AssertionInput {
  readonly clientId: string;
  /** `{issuer}/v1/token` for Okta. */
  readonly tokenEndpoint: string;
  /** The authorization server's issuer; needed only for the `issuer` audience style. */
  readonly issuer?: string;
  /** The human the agent acts for; without one the payload has no `act` (which AGBAC rules flag). */
  readonly human?: Human;
  /** Seconds since the epoch. */
  readonly now: number;
  readonly audienceStyle?: AudienceStyle;
  /** Seconds until `exp`; default 300, at most 3600 (Okta's limit). */
  readonly lifetimeSeconds?: number;
  /** A fresh unique id, e.g. `crypto.randomUUID()` (the core has no randomness of its own). */
  readonly jti: string;
  /** Adds AGBAC 1.0's `delegation` and `agbac_ver`. */
  readonly delegation?: Delegation;
}

/**
 * Builds a client assertion payload: `iss` = `sub` = client id, `aud` by the audience convention
 * (token endpoint by default), `iat` = now, `exp` = now + 300, the given `jti`, and the human in `act`.
 * Throws an {@link InputError} for an empty id or a lifetime Okta refuses.
 *
 * @example
 * buildAssertion({ clientId: '0oa…', tokenEndpoint: urls.tokenEndpoint, human: { id: '00u…' }, now, jti: crypto.randomUUID() });
 */
export function buildAssertion(input: AssertionInput): JsonRecord {
  const lifetime = input.lifetimeSeconds ?? ASSERTION_LIMITS.conventionalLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > ASSERTION_LIMITS.maxLifetimeSeconds) {
    throw new InputError(`the assertion lifetime must be 1 to ${ASSERTION_LIMITS.maxLifetimeSeconds} seconds (Okta's limit), got ${lifetime}`);
  }
  if (!input.clientId.trim()) throw new InputError('the client id is empty');
  if (input.human && !input.human.id.trim()) throw new InputError("the human's user id is empty");
  if (!input.jti.trim()) throw new InputError('the jti is empty');
  const style = input.audienceStyle ?? 'token-endpoint';
  if (style === 'issuer' && !input.issuer) throw new InputError('the issuer audience style needs the issuer URL');
  const now = Math.floor(input.now);

  const payload: JsonRecord = {
    iss: input.clientId,
    sub: input.clientId,
    aud: style === 'issuer' ? input.issuer : input.tokenEndpoint,
    iat: now,
    exp: now + lifetime,
    jti: input.jti,
  };
  if (input.human) {
    const { id, email, name } = input.human;
    payload.act = { sub: id, ...(email ? { email } : {}), ...(name ? { name } : {}) };
  }
  if (input.delegation) Object.assign(payload, delegationClaims(input.delegation, now));
  return payload;
}

/** RFC 8693 token exchange: its grant type, and the type of a subject token that is an access token (Okta's on-behalf-of flow takes only that). */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The query parameter of the token URL that carries the act assertion to a token inline hook. */
export const ACT_ASSERTION_PARAMETER = 'act_assertion';

/** Limits of an act assertion: it only has to survive one token request. */
export const ACT_ASSERTION_LIMITS = {
  /** The hook refuses an act assertion that lives longer than this. */
  maxLifetimeSeconds: 300,
  /** What the toolkit signs by default. */
  defaultLifetimeSeconds: 120,
} as const;

export interface ActAssertionInput {
  readonly clientId: string;
  /** The token inline hook's URL, the assertion's audience. */
  readonly hookUrl: string;
  /** Only `id` travels: Okta logs request URLs, so the hook looks up the rest. */
  readonly human: Human;
  /** Seconds since the epoch. */
  readonly now: number;
  /** A fresh unique id; the hook accepts each one once. */
  readonly jti: string;
  /** Seconds until `exp`; default 120, at most 300. */
  readonly lifetimeSeconds?: number;
  /** Adds AGBAC 1.0's `delegation` and `agbac_ver`, for a hook that runs the agbac-1.0 profile. */
  readonly delegation?: Delegation;
}

/**
 * Builds an act assertion: the short-lived JWT an agent signs with its own credential so that a
 * token inline hook can vouch for the human (`iss` = `sub` = client id, `aud` = the hook's URL,
 * `act.sub` only). It travels as the `act_assertion` query parameter of the token URL.
 *
 * @example
 * buildActAssertion({ clientId: '0oa…', hookUrl: 'https://hook.example.com/', human: { id: '00u…' }, now, jti: crypto.randomUUID() });
 */
export function buildActAssertion(input: ActAssertionInput): JsonRecord {
  const lifetime = input.lifetimeSeconds ?? ACT_ASSERTION_LIMITS.defaultLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > ACT_ASSERTION_LIMITS.maxLifetimeSeconds) {
    throw new InputError(`the act assertion lifetime must be 1 to ${ACT_ASSERTION_LIMITS.maxLifetimeSeconds} seconds, got ${lifetime}`);
  }
  if (!input.clientId.trim()) throw new InputError('the client id is empty');
  if (!input.human.id.trim()) throw new InputError("the human's user id is empty");
  if (!input.hookUrl.trim()) throw new InputError('the hook URL is empty');
  if (!input.jti.trim()) throw new InputError('the jti is empty');
  const now = Math.floor(input.now);
  const payload: JsonRecord = {
    iss: input.clientId,
    sub: input.clientId,
    aud: input.hookUrl,
    iat: now,
    exp: now + lifetime,
    jti: input.jti,
    act: { sub: input.human.id },
  };
  if (input.delegation) Object.assign(payload, delegationClaims(input.delegation, now));
  return payload;
}

/** AGBAC 1.0's claims for a delegation: `delegation`, `agbac_ver`, and `delegation_expiry` when it has one. */
function delegationClaims(delegation: Delegation, now: number): JsonRecord {
  const { method, intentSummary, grantedAt, expiresAt } = delegation;
  return {
    delegation: { granted_at: isoTime(grantedAt ?? now), method, intent_summary: intentSummary },
    ...(expiresAt !== undefined ? { delegation_expiry: Math.floor(expiresAt) } : {}),
    agbac_ver: '1.0',
  };
}
