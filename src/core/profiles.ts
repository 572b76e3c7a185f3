/**
 * Validation profiles and claim mappings.
 *
 * A profile says which AGBAC claims are required: `okta-guide` is what the Okta setup guide and
 * the `dual-auth` reference implementation send (`sub` + `act`); `agbac-1.0` is the full
 * specification (adds `delegation` and `agbac_ver`).
 *
 * A claim mapping says where an issuer puts the agent, the human, the client id and the scopes.
 * Okta's custom authorization server (with the guide's `act` claim) is the default; other issuers
 * differ only in configuration, never in code.
 */

export const PROFILES = ['okta-guide', 'agbac-1.0'] as const;
export type ProfileName = (typeof PROFILES)[number];

export const AUDIENCE_STYLES = ['token-endpoint', 'issuer'] as const;
/** Which URL a client assertion's `aud` carries: the token endpoint (what Okta accepts) or the issuer (what the guide says). */
export type AudienceStyle = (typeof AUDIENCE_STYLES)[number];

export const AUTH_METHODS = ['client_secret_jwt', 'private_key_jwt'] as const;
/** Client authentication by signed assertion. */
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Assertion signing algorithms Okta accepts, per method. */
export const ASSERTION_ALGORITHMS: Readonly<Record<AuthMethod, readonly string[]>> = {
  client_secret_jwt: ['HS256', 'HS384', 'HS512'],
  private_key_jwt: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
};

/** The auth method an algorithm implies. */
export function authMethodForAlgorithm(alg: string): AuthMethod | undefined {
  return AUTH_METHODS.find((method) => ASSERTION_ALGORITHMS[method].includes(alg));
}

/** AGBAC specification versions this toolkit knows. */
export const AGBAC_VERSIONS = ['1.0'] as const;

/** Delegation methods of AGBAC 1.0. */
export const DELEGATION_METHODS = ['explicit', 'implicit', 'system'] as const;

export interface ClaimMapping {
  /** Name shown in messages. */
  readonly name: string;
  /**
   * `agbac`: the agent is `sub` and the human is the actor (`act.sub`), as in the Okta guide.
   * `rfc8693`: the human is `sub` and the agent is the actor, as in RFC 8693 token exchange.
   * `on-behalf-of`: no actor claim; the human's id is `humanClaim` and the agent is the client
   * (`clientIdClaim`), as in Okta's on-behalf-of token exchange.
   */
  readonly orientation: 'agbac' | 'rfc8693' | 'on-behalf-of';
  /** With `on-behalf-of`: the claim holding the human's user id (Okta: `uid`). */
  readonly humanClaim?: string;
  /** The actor claim's name (`act`; Auth0 needs a namespaced name). */
  readonly actorClaim: string;
  /** Where the client id is, or undefined when the issuer has no such claim. */
  readonly clientIdClaim: string | undefined;
  /** Where the granted scopes are, and how they are written. */
  readonly scopeClaim: string;
  readonly scopeFormat: 'array' | 'space-delimited';
}

/** Okta custom authorization server with the guide's `act` claim. */
export const OKTA_MAPPING: ClaimMapping = {
  name: 'okta',
  orientation: 'agbac',
  actorClaim: 'act',
  clientIdClaim: 'cid',
  scopeClaim: 'scp',
  scopeFormat: 'array',
};

/** RFC 8693 token exchange (Okta's own AI-agent features): the human is `sub`, the agent acts. */
export const TOKEN_EXCHANGE_MAPPING: ClaimMapping = {
  name: 'token-exchange',
  orientation: 'rfc8693',
  actorClaim: 'act',
  clientIdClaim: 'cid',
  scopeClaim: 'scope',
  scopeFormat: 'space-delimited',
};

/**
 * Okta's on-behalf-of token exchange: the exchanged token names the person in `uid` (their login
 * in `sub`) and the agent, the app that exchanged their token, in `cid`; it has no `act`.
 */
export const OKTA_ON_BEHALF_OF_MAPPING: ClaimMapping = {
  name: 'okta-on-behalf-of',
  orientation: 'on-behalf-of',
  actorClaim: 'act',
  humanClaim: 'uid',
  clientIdClaim: 'cid',
  scopeClaim: 'scp',
  scopeFormat: 'array',
};

/** The mappings by name; `guide` and `rfc8693` are other names of `okta` and `token-exchange`. */
export const CLAIM_MAPPINGS: Readonly<Record<string, ClaimMapping>> = {
  okta: OKTA_MAPPING,
  guide: OKTA_MAPPING,
  'okta-on-behalf-of': OKTA_ON_BEHALF_OF_MAPPING,
  'token-exchange': TOKEN_EXCHANGE_MAPPING,
  rfc8693: TOKEN_EXCHANGE_MAPPING,
};

/** Okta's limits and the guide's conventions for client assertions. */
export const ASSERTION_LIMITS = {
  /** Okta refuses an `exp` further ahead than this. */
  maxLifetimeSeconds: 3600,
  /** The guide's `exp = iat + 300`. */
  conventionalLifetimeSeconds: 300,
  /** Tolerated clock difference between the agent and the server. */
  defaultClockSkewSeconds: 60,
  /** Shorter `jti` values are easy to repeat. */
  minJtiLength: 16,
} as const;

export function isProfileName(value: unknown): value is ProfileName {
  return typeof value === 'string' && (PROFILES as readonly string[]).includes(value);
}

export function isAudienceStyle(value: unknown): value is AudienceStyle {
  return typeof value === 'string' && (AUDIENCE_STYLES as readonly string[]).includes(value);
}

export function isAuthMethod(value: unknown): value is AuthMethod {
  return typeof value === 'string' && (AUTH_METHODS as readonly string[]).includes(value);
}
