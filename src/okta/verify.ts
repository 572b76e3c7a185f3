/**
 * Verifying a token end to end against a live issuer: keys from its metadata, the core's token
 * rules, and the human approved by an allow-list or by membership of an Okta group.
 */
import {
  type ClaimMapping,
  type HumanApproval,
  type JsonRecord,
  OKTA_MAPPING,
  parseJwt,
  type ProfileName,
  subjectsOf,
  type Verification,
  type VerificationKeys,
  verifyAccessToken,
} from '../core';
import { discover } from './discovery';
import { remoteKeySet } from './jwks';
import type { OrgApi } from './org';

/** How the human is approved. */
export type HumanPolicy =
  | { readonly kind: 'allow-list'; readonly ids: readonly string[] }
  | { readonly kind: 'okta-group'; readonly group: string; readonly org: OrgApi };

export interface LiveVerifyOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Keys to use instead of discovering the issuer's. */
  readonly keys?: VerificationKeys;
  readonly requiredScopes?: readonly string[];
  readonly approvedAgents?: readonly string[];
  readonly human?: HumanPolicy;
  readonly expectedActor?: JsonRecord;
  readonly profile?: ProfileName;
  readonly mapping?: ClaimMapping;
  readonly algorithms?: readonly string[];
  readonly clockSkewSeconds?: number;
  readonly action?: string;
  readonly resource?: string;
  readonly correlationId?: string;
  readonly now: number;
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
  return verifyAccessToken(token, {
    keys,
    issuer: options.issuer,
    audience: options.audience,
    requiredScopes: options.requiredScopes,
    approvedAgents: options.approvedAgents,
    humanApproval: await humanApproval(token, options),
    expectedActor: options.expectedActor,
    profile: options.profile,
    mapping: options.mapping,
    algorithms: options.algorithms,
    clockSkewSeconds: options.clockSkewSeconds,
    action: options.action,
    resource: options.resource,
    correlationId: options.correlationId,
    now: options.now,
  });
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
