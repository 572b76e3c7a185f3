/**
 * Verifying a token end to end against a live issuer: keys from its metadata, the core's token
 * rules, and the human approved by an allow-list or by membership of an Okta group.
 */
import {
  type HumanApproval,
  OKTA_MAPPING,
  parseJwt,
  subjectsOf,
  type Verification,
  type VerificationKeys,
  verifyAccessToken,
  type VerifyOptions,
} from '../core';
import { discover } from './discovery';
import { remoteKeySet } from './jwks';
import type { OrgApi } from './org';

/** How the human is approved. */
export type HumanPolicy =
  | { readonly kind: 'allow-list'; readonly ids: readonly string[] }
  | { readonly kind: 'okta-group'; readonly group: string; readonly org: OrgApi };

/** The core's verification options, with the keys optional (found through the issuer) and the human approved by policy. */
export interface LiveVerifyOptions extends Omit<VerifyOptions, 'keys' | 'humanApproval'> {
  readonly issuer: string;
  readonly audience: string;
  /** Keys to use instead of discovering the issuer's. */
  readonly keys?: VerificationKeys;
  readonly human?: HumanPolicy;
  readonly ca?: string;
  readonly timeoutMs?: number;
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
  return verifyAccessToken(token, { ...core, keys, humanApproval: await humanApproval(token, options) });
}

/** For group approval, the human's groups are looked up before the decision. */
async function humanApproval(token: string, options: LiveVerifyOptions): Promise<HumanApproval | undefined> {
  const policy = options.human;
  if (!policy) return undefined;
  if (policy.kind === 'allow-list') return { kind: 'allow-list', ids: policy.ids };
  const parsed = parseJwt(token.trim());
  const human = parsed.ok ? subjectsOf(parsed.jwt.payload, options.mapping ?? OKTA_MAPPING).human : undefined;
  if (!human) return { kind: 'group', group: policy.group, memberOf: [] };
  const user = await policy.org.getUser(human);
  const groups = user ? await policy.org.listUserGroups(user.id) : [];
  return { kind: 'group', group: policy.group, memberOf: groups.map((group) => group.profile.name) };
}
