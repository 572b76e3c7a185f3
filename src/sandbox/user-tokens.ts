/**
 * Tokens about a person, in the shapes Okta's custom authorization servers issue them: the access
 * token of a person's sign-in (`uid` their id, `sub` their login, `cid` the app they signed in
 * with, `auth_time`), and the OpenID Connect ID token (`sub` their id, `aud` the app, `amr`,
 * `idp`, `nonce`, `at_hash`, and the profile and email claims their scopes ask for).
 */
import { createHash } from 'node:crypto';
import { newAccessTokenId, newIdTokenId } from './ids';
import type { AppRecord, UserRecord } from './model';

/** OpenID Connect scopes every custom authorization server knows (Okta lists them as system scopes). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'address', 'phone'] as const;

/** Okta's ID tokens live one hour, whatever the rule says about access tokens. */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

export function isOidcScope(scope: string): boolean {
  return (OIDC_SCOPES as readonly string[]).includes(scope);
}

export interface UserAccessTokenInput {
  readonly issuer: string;
  readonly audience: string | string[] | undefined;
  /** The app the token is issued to. */
  readonly clientId: string;
  readonly user: UserRecord;
  readonly scopes: readonly string[];
  readonly iat: number;
  readonly lifetime: number;
  /** When the person signed in (seconds). */
  readonly authTime: number;
}

/** Okta's claims, in Okta's order: `ver jti iss aud iat exp cid uid scp auth_time sub`. */
export function userAccessClaims(input: UserAccessTokenInput): Record<string, unknown> {
  return {
    ver: 1,
    jti: newAccessTokenId(),
    iss: input.issuer,
    aud: input.audience,
    iat: input.iat,
    exp: input.iat + input.lifetime,
    cid: input.clientId,
    uid: input.user.id,
    scp: [...input.scopes],
    auth_time: input.authTime,
    sub: input.user.profile.login,
  };
}

export interface IdTokenInput {
  readonly issuer: string;
  readonly app: AppRecord;
  readonly user: UserRecord;
  readonly scopes: readonly string[];
  readonly iat: number;
  readonly authTime: number;
  readonly nonce: string | undefined;
  /** The org id (`00o…`), Okta's `idp` for people of the org itself. */
  readonly orgId: string;
  /** The access token issued with it, for `at_hash`. */
  readonly accessToken: string;
}

/** An ID token's claims: what `openid` always carries, then `profile` and `email` when asked for. */
export function idTokenClaims(input: IdTokenInput): Record<string, unknown> {
  const { user, scopes } = input;
  const name = [user.profile.firstName, user.profile.lastName].filter(Boolean).join(' ');
  return {
    sub: user.id,
    ...(scopes.includes('profile') ? { name } : {}),
    ...(scopes.includes('email') ? { email: user.profile.email } : {}),
    ver: 1,
    iss: input.issuer,
    aud: input.app.clientId,
    iat: input.iat,
    exp: input.iat + ID_TOKEN_LIFETIME_SECONDS,
    jti: newIdTokenId(),
    amr: ['pwd'],
    idp: input.orgId,
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
    ...(scopes.includes('profile') ? { preferred_username: user.profile.login } : {}),
    auth_time: input.authTime,
    at_hash: accessTokenHash(input.accessToken),
  };
}

/** `at_hash` (OpenID Connect Core §3.1.3.6): the left half of SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
