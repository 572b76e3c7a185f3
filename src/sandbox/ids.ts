/** Random identifiers and credentials shaped like Okta's, from node:crypto. */
import { randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Okta's id prefixes. */
export const ID_PREFIX = {
  authServer: 'aus',
  app: '0oa',
  user: '00u',
  group: '00g',
  policy: '00p',
  rule: '0pr',
  claim: 'ocl',
  scope: 'scp',
  grant: 'oag',
  inlineHook: 'cal',
  org: '00o',
} as const;

/** Uniformly random letters and digits. */
function randomAlphanumeric(length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return text;
}

/** A 20-character Okta-style id with the given prefix, e.g. `00u1a2B3c4D5e6F7g8H`. */
export function newId(prefix: string): string {
  return prefix + randomAlphanumeric(20 - prefix.length);
}

/** A client secret: 64 base64url characters (48 random bytes), long enough for HS512. */
export function newClientSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** A Management API token: 42 characters starting `00`, like Okta's SSWS tokens. */
export function newApiToken(): string {
  return `00${randomAlphanumeric(40)}`;
}

/** An access token id: `AT.` and 43 base64url characters. */
export function newAccessTokenId(): string {
  return `AT.${randomBytes(32).toString('base64url')}`;
}

/** An ID token id: `ID.` and 43 base64url characters. */
export function newIdTokenId(): string {
  return `ID.${randomBytes(32).toString('base64url')}`;
}

/** An authorization code, or a sign-in transaction's handle: 32 random bytes, base64url. */
export function newOpaqueHandle(): string {
  return randomBytes(32).toString('base64url');
}

/** The development password of seeded users: 20 letters and digits (about 119 bits). */
export function newDevelopmentPassword(): string {
  return randomAlphanumeric(20);
}

/** The `errorId` of a Management API error (`oae…`). */
export function newErrorId(): string {
  return `oae${randomAlphanumeric(22)}`;
}

/** A request id for the `X-Okta-Request-Id` header. */
export function newRequestId(): string {
  return randomBytes(15).toString('base64url');
}
