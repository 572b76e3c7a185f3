/**
 * Verifying a token end to end against a live issuer: keys from its metadata, the core's token
 * rules, and the human approved by an allow-list or by membership of a group in a directory
 * (the Okta layer supplies one over the Management API).
 */
import {
  type HumanApproval,
  looksLikeUserId,
  OKTA_MAPPING,
  parseJwt,
  subjectsOf,
  type Verification,
  type VerificationKeys,
  verifyAccessToken,
  type VerifyOptions,
} from '../core';
import { discover } from './discovery';
import { remoteKeySet } from './remote-keys';

/**
 * A directory of people, asked for the user `act.sub` names: the id of the user it found and that
 * user's group names, or `undefined` for no such user. A directory may resolve more than ids (Okta
 * resolves logins, login shortnames and `me` at the same path): `id` says which user answered, and
 * only a user whose id is the value asked for can be approved. The Okta layer's `oktaDirectory`
 * answers from the Management API.
 */
export type GroupDirectory = (userId: string) => Promise<{ readonly id: string; readonly groups: readonly string[] } | undefined>;

/** How the human is approved; `waived` turns the check off explicitly (the decision says so). */
export type HumanPolicy =
  | { readonly kind: 'allow-list'; readonly ids: readonly string[] }
  | { readonly kind: 'group'; readonly group: string; readonly directory: GroupDirectory }
  | { readonly kind: 'waived' };

/** The core's verification options, with the keys optional (found through the issuer) and the human approved by policy. */
export interface LiveVerifyOptions extends Omit<VerifyOptions, 'keys' | 'humanApproval' | 'correlationId'> {
  readonly issuer: string;
  readonly audience: string;
  /** Keys to use instead of discovering the issuer's. */
  readonly keys?: VerificationKeys;
  readonly human?: HumanPolicy;
  readonly ca?: string;
  readonly timeoutMs?: number;
  /** Default: a random UUID. */
  readonly correlationId?: string;
}

/** Remote key sets by JWKS URL, so repeated verifications reuse jose's cache. */
const keySets = new Map<string, VerificationKeys>();

/** The issuer's keys, found through its metadata. */
export async function issuerKeys(issuer: string, options: { ca?: string; timeoutMs?: number } = {}): Promise<VerificationKeys> {
  const metadata = await discover(issuer, options);
  let keys = keySets.get(metadata.jwksUri);
  if (!keys) {
    keys = remoteKeySet(metadata.jwksUri, options);
    keySets.set(metadata.jwksUri, keys);
  }
  return keys;
}

/** Verifies and decides. Network and Management API failures reject: the caller fails closed. */
export async function verifyLive(token: string, options: LiveVerifyOptions): Promise<Verification> {
  const keys = options.keys ?? (await issuerKeys(options.issuer, { ca: options.ca, timeoutMs: options.timeoutMs }));
  const { human: _human, ca: _ca, timeoutMs: _timeout, ...core } = options;
  return verifyAccessToken(token, {
    ...core,
    keys,
    humanApproval: await humanApproval(token, options),
    correlationId: options.correlationId ?? crypto.randomUUID(),
  });
}

/** For group approval, the human's groups are looked up before the decision. */
async function humanApproval(token: string, options: LiveVerifyOptions): Promise<HumanApproval | undefined> {
  const policy = options.human;
  if (!policy) return undefined;
  if (policy.kind === 'allow-list' || policy.kind === 'waived') return policy;
  const parsed = parseJwt(token.trim());
  const human = parsed.ok ? subjectsOf(parsed.jwt.payload, options.mapping ?? OKTA_MAPPING).human : undefined;
  // Only a user id is ever looked up: a login, an email or `me` would resolve to whoever holds it.
  if (!human || !looksLikeUserId(human)) return { kind: 'group', group: policy.group, memberOf: [] };
  const found = await policy.directory(human);
  if (!found) return { kind: 'group', group: policy.group, memberOf: [] };
  return { kind: 'group', group: policy.group, memberOf: found.id === human ? found.groups : [], resolvedId: found.id };
}
