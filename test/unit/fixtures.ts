/** Shared values for unit tests: a frozen clock and a consistent Okta org. */
import type { JsonRecord } from '../../src/core';

/** 2026-01-02T10:00:00Z */
export const NOW = 1767348000;
export const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
export const ORG_URL = 'https://dev-123456.okta.com';
export const ISSUER = `${ORG_URL}/oauth2/aus1b2c3d4e5f6g7h8i9`;
export const TOKEN_ENDPOINT = `${ISSUER}/v1/token`;
export const API_AUDIENCE = 'https://api.example.com/finance';
/** A real-length Okta user id (00u + 17). */
export const USER_ID = '00u1a2b3c4d5e6f7g8h';
export const JTI = '6f1c2a9e-3b7d-4c55-9e0a-2f8b7c1d4e6a';

/** A client assertion payload that passes every rule of both profiles. */
export function goodAssertion(overrides: JsonRecord = {}): JsonRecord {
  return {
    iss: CLIENT_ID,
    sub: CLIENT_ID,
    aud: TOKEN_ENDPOINT,
    iat: NOW,
    exp: NOW + 300,
    jti: JTI,
    act: { sub: USER_ID, email: 'alice@corp.example.com', name: 'Alice Smith' },
    delegation: { granted_at: '2026-01-02T09:55:00Z', method: 'explicit', intent_summary: 'Read the Q4 finance report' },
    agbac_ver: '1.0',
    ...overrides,
  };
}

/** An Okta access token payload that passes every rule of both profiles. */
export function goodToken(overrides: JsonRecord = {}): JsonRecord {
  return {
    ver: 1,
    jti: 'AT.Xq3kR8wT2mN5vB7cY1zH4jL6pD9fG0sA',
    iss: ISSUER,
    aud: API_AUDIENCE,
    iat: NOW - 60,
    exp: NOW + 3540,
    cid: CLIENT_ID,
    scp: ['finance.read'],
    sub: CLIENT_ID,
    act: { sub: USER_ID, email: 'alice@corp.example.com', name: 'Alice Smith' },
    delegation: { granted_at: '2026-01-02T09:55:00Z', method: 'explicit', intent_summary: 'Read the Q4 finance report' },
    agbac_ver: '1.0',
    ...overrides,
  };
}

/** Removes the named top-level members. */
export function without(payload: JsonRecord, ...names: string[]): JsonRecord {
  const copy = { ...payload };
  for (const name of names) delete copy[name];
  return copy;
}
